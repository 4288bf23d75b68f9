//! The Gamma-Gamma model of spend per purchase, and the discounted CLV built on it.
//!
//! Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
//! analysis", Journal of Marketing Research 42(4), and Hardie's note 025 "The Gamma-Gamma
//! model of monetary value": a customer's purchase amounts are Gamma(p, ν) with
//! ν ~ Gamma(q, γ), independent of the purchase process. Likelihood: note 025 equation (1a)
//! as in `lifetimes` 0.11.3 (`GammaGammaFitter`); expected average spend: note 025
//! equation (5); CLV: `lifetimes`' `_customer_lifetime_value` discounting loop.

use super::bgnbd::{BgNbdParams, Observation};
use super::optimize::{self, Minimum, Options};
use super::special::{digamma, ln_gamma};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaParams {
    pub p: f64,
    pub q: f64,
    /// γ, the scale of the spend distribution (`v` in `lifetimes`), in money units.
    pub gamma: f64,
}

impl GammaGammaParams {
    /// Finite, positive and q > 1, so that the population mean spend p·γ / (q − 1) exists.
    pub fn is_usable(&self) -> bool {
        [self.p, self.q, self.gamma]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
            && self.q > 1.0
    }

    /// Mean spend per purchase over the population: what a customer without repeat
    /// purchases is expected to spend.
    pub fn population_mean(&self) -> f64 {
        self.p * self.gamma / (self.q - 1.0)
    }

    /// E[spend | x repeat purchases averaging m]: a weighted average of the customer's own
    /// mean and the population mean, the customer's weight p·x / (p·x + q − 1).
    pub fn expected_average_spend(&self, frequency: u32, monetary_value: f64) -> f64 {
        let x = frequency as f64;
        let w = self.p * x / (self.p * x + self.q - 1.0);
        (1.0 - w) * self.population_mean() + w * monetary_value
    }

    /// Log-likelihood of (x, m) pairs (x > 0, m > 0), customer by customer.
    pub fn log_likelihood(&self, spend: &[(u32, f64)]) -> f64 {
        let (p, q, v) = (self.p, self.q, self.gamma);
        spend
            .iter()
            .map(|&(x, m)| {
                let x = x as f64;
                ln_gamma(p * x + q) - ln_gamma(p * x) - ln_gamma(q)
                    + q * v.ln()
                    + (p * x - 1.0) * m.ln()
                    + p * x * x.ln()
                    - (p * x + q) * (x * m + v).ln()
            })
            .sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub params: GammaGammaParams,
    /// Total log-likelihood at `params`.
    pub log_likelihood: f64,
    pub minimum: Minimum,
}

/// Maximum-likelihood fit of (p, q, γ) on customers with x > 0 and m > 0 (the caller
/// leaves the others out). Amounts are divided by their mean while optimising, which only
/// shifts the log-likelihood by a constant, so that the starting point suits any currency.
pub fn fit(spend: &[(u32, f64)]) -> Option<Estimate> {
    if spend.is_empty()
        || spend
            .iter()
            .any(|&(x, m)| x == 0 || m.is_nan() || m <= 0.0 || m.is_infinite())
    {
        return None;
    }
    let n = spend.len() as f64;
    let scale = spend.iter().map(|s| s.1).sum::<f64>() / n;
    let data = Prepared::new(spend, scale);
    let minimum = optimize::minimize(
        |theta, grad| data.objective(theta, grad),
        &[0.1; 3], // `lifetimes`' starting point
        &Options {
            max_abs_x: super::MAX_LOG_PARAMETER,
            ..Options::default()
        },
    );
    let params = GammaGammaParams {
        p: minimum.x[0].exp(),
        q: minimum.x[1].exp(),
        gamma: minimum.x[2].exp() * scale,
    };
    // Dividing m and γ by s adds ln s to each customer's log-likelihood.
    let log_likelihood = -minimum.value * n - n * scale.ln();
    Some(Estimate {
        params,
        log_likelihood,
        minimum,
    })
}

/// Customers grouped by x for the log-gamma terms; sums that do not involve the
/// parameters precomputed, leaving one `ln` and one division per customer per evaluation.
struct Prepared {
    customers: f64,
    xs: Vec<f64>,
    x_count: Vec<f64>,
    /// Σ x ln m, Σ ln m, Σ x ln x.
    sum_x_ln_m: f64,
    sum_ln_m: f64,
    sum_x_ln_x: f64,
    /// Per customer: x and x·m (scaled).
    x: Vec<f64>,
    xm: Vec<f64>,
}

impl Prepared {
    fn new(spend: &[(u32, f64)], scale: f64) -> Prepared {
        let mut by_x: Vec<u32> = spend.iter().map(|s| s.0).collect();
        by_x.sort_unstable();
        let (mut xs, mut x_count) = (Vec::new(), Vec::new());
        for x in by_x {
            if xs.last() != Some(&(x as f64)) {
                xs.push(x as f64);
                x_count.push(0.0);
            }
            *x_count.last_mut().unwrap() += 1.0;
        }
        let scaled = |m: f64| m / scale;
        Prepared {
            customers: spend.len() as f64,
            xs,
            x_count,
            sum_x_ln_m: spend.iter().map(|&(x, m)| x as f64 * scaled(m).ln()).sum(),
            sum_ln_m: spend.iter().map(|&(_, m)| scaled(m).ln()).sum(),
            sum_x_ln_x: spend.iter().map(|&(x, _)| x as f64 * (x as f64).ln()).sum(),
            x: spend.iter().map(|&(x, _)| x as f64).collect(),
            xm: spend.iter().map(|&(x, m)| x as f64 * scaled(m)).collect(),
        }
    }

    /// Mean negative log-likelihood at log-parameters θ and its gradient in θ.
    fn objective(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (p, q, v) = (theta[0].exp(), theta[1].exp(), theta[2].exp());
        let n = self.customers;
        let mut ll = n * (-ln_gamma(q) + q * v.ln()) + p * self.sum_x_ln_m - self.sum_ln_m
            + p * self.sum_x_ln_x;
        let mut dp = self.sum_x_ln_m + self.sum_x_ln_x;
        let mut dq = n * (-digamma(q) + v.ln());
        for (&x, &count) in self.xs.iter().zip(&self.x_count) {
            let (psi_pxq, psi_px) = (digamma(p * x + q), digamma(p * x));
            ll += count * (ln_gamma(p * x + q) - ln_gamma(p * x));
            dp += count * x * (psi_pxq - psi_px);
            dq += count * psi_pxq;
        }
        let mut dv = n * q / v;
        for (&x, &xm) in self.x.iter().zip(&self.xm) {
            let ln_xmv = (xm + v).ln();
            ll -= (p * x + q) * ln_xmv;
            dp -= x * ln_xmv;
            dq -= ln_xmv;
            dv -= (p * x + q) / (xm + v);
        }
        grad[0] = -dp * p / n;
        grad[1] = -dq * q / n;
        grad[2] = -dv * v / n;
        -ll / n
    }
}

/// Discounted expected purchases over the next M months, `lifetimes`' CLV loop without the
/// spend: Σ_{k=1..M} (E[X(k·f)] − E[X((k − 1)·f)]) / (1 + d)^k, f the month length.
/// `cumulative` holds E[X(k·f)] for k = 0..=M (the first is 0); multiplied by the expected
/// spend per purchase this is the CLV, so customers sharing a history share this sum.
pub fn discounted_purchases(cumulative: &[f64], monthly_discount: f64) -> f64 {
    (1..cumulative.len())
        .map(|k| (cumulative[k] - cumulative[k - 1]) / (1.0 + monthly_discount).powi(k as i32))
        .sum()
}

/// CLV of one customer: expected spend per purchase times [`discounted_purchases`].
pub fn customer_lifetime_value(
    bg: &BgNbdParams,
    obs: Observation,
    spend: f64,
    months: u32,
    monthly_discount: f64,
    month: f64,
) -> f64 {
    let times: Vec<f64> = (0..=months).map(|k| k as f64 * month).collect();
    let mut cumulative = vec![0.0; times.len()];
    bg.expected_purchase_numerators(&times, obs.frequency, obs.age, &mut cumulative);
    let denominator = bg.expected_purchase_denominator(obs);
    spend * discounted_purchases(&cumulative, monthly_discount) / denominator
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDNOW: GammaGammaParams = GammaGammaParams {
        p: 6.249_572_277_638_951,
        q: 3.744_224_674_757_774,
        gamma: 15.443_521_018_351_717,
    };

    #[test]
    fn expected_spend_shrinks_towards_the_population_mean() {
        let mean = CDNOW.p * CDNOW.gamma / (CDNOW.q - 1.0);
        assert_eq!(CDNOW.expected_average_spend(0, 0.0), mean);
        // x = 2, m = 22.345: weight 2p / (2p + q − 1).
        let w = 2.0 * CDNOW.p / (2.0 * CDNOW.p + CDNOW.q - 1.0);
        let want = (1.0 - w) * mean + w * 22.345;
        assert!((CDNOW.expected_average_spend(2, 22.345) - want).abs() < 1e-13);
        assert!(!GammaGammaParams { q: 0.9, ..CDNOW }.is_usable());
    }

    #[test]
    fn objective_matches_direct_likelihood_and_its_gradient() {
        let spend: Vec<(u32, f64)> = (0..120)
            .map(|i| (1 + i % 7, 5.0 + (i * 37 % 101) as f64))
            .collect();
        let scale = spend.iter().map(|s| s.1).sum::<f64>() / spend.len() as f64;
        let data = Prepared::new(&spend, scale);
        let theta = [CDNOW.p.ln(), CDNOW.q.ln(), (CDNOW.gamma / scale).ln()];
        let mut grad = [0.0; 3];
        let value = data.objective(&theta, &mut grad);
        // The objective is in scaled money: undo the shift of ln(scale) per customer.
        let direct = -CDNOW.log_likelihood(&spend) / spend.len() as f64;
        assert!(
            (value + scale.ln() - direct).abs() < 1e-12,
            "{value} vs {direct}"
        );
        for i in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (theta, theta);
            up[i] += h;
            down[i] -= h;
            let mut g = [0.0; 3];
            let numeric = (data.objective(&up, &mut g) - data.objective(&down, &mut g)) / (2.0 * h);
            assert!(
                (grad[i] - numeric).abs() < 1e-7,
                "∂{i}: {} vs {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn clv_discounts_each_month() {
        // Two months, 1 and then 0.5 purchases expected, 1% a month.
        let v = discounted_purchases(&[0.0, 1.0, 1.5], 0.01);
        assert!((v - (1.0 / 1.01 + 0.5 / 1.01f64.powi(2))).abs() < 1e-15);
    }
}
