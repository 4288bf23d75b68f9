//! The BG/NBD model of repeat buying: purchase counts, P(alive) and their fit.
//!
//! Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
//! Pareto/NBD model", Marketing Science 24(2): while alive a customer buys at Poisson rate
//! λ ~ Gamma(r, α) and after each purchase drops out with probability p ~ Beta(a, b).
//! Likelihood: the paper's equation (6), in the log-sum-exp form of Hardie's note 004 and of
//! `lifetimes` 0.11.3 (`BetaGeoFitter._negative_log_likelihood`); E[X(t) | x, t_x, T]: the
//! paper's equation (10), with `lifetimes`' hypergeometric arguments; E[X(t)]: equation (9);
//! P(alive): Hardie's note 021. `lifetimes` is the executable specification: its objective
//! (mean negative log-likelihood in time scaled so that the oldest customer's T is 1, plus
//! its optional L2 penalty on the scaled parameters) is reproduced so fits agree with it.

use super::optimize::{self, Minimum, Options};
use super::special::{digamma, ln_gamma, ln_hyp2f1, ln_hyp2f1_many};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbdParams {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Scale of the Gamma distribution of purchase rates, in time units.
    pub alpha: f64,
    /// Beta distribution of the dropout probability.
    pub a: f64,
    pub b: f64,
}

/// One customer's calibration history, in model time units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Repeat purchases x (purchase days after the first).
    pub frequency: u32,
    /// t_x: time from the first to the last purchase.
    pub recency: f64,
    /// T: time from the first purchase to the end of calibration.
    pub age: f64,
}

impl BgNbdParams {
    /// Finite and positive: parameters predictions can be made with.
    pub fn is_usable(&self) -> bool {
        [self.r, self.alpha, self.a, self.b]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
    }

    /// P(alive | x, t_x, T). One-time buyers are alive by the model's assumption that
    /// dropping out happens only right after a purchase.
    pub fn p_alive(&self, obs: Observation) -> f64 {
        if obs.frequency == 0 {
            return 1.0;
        }
        let x = obs.frequency as f64;
        let ln_odds_dead = (self.r + x)
            * ((self.alpha + obs.age) / (self.alpha + obs.recency)).ln()
            + (self.a / (self.b + x - 1.0)).ln();
        1.0 / (1.0 + ln_odds_dead.exp())
    }

    /// E[X(t) | x, t_x, T]: expected repeat purchases in the next `t` time units.
    pub fn expected_purchases(&self, t: f64, obs: Observation) -> f64 {
        self.expected_purchase_numerator(t, obs.frequency, obs.age)
            / self.expected_purchase_denominator(obs)
    }

    /// The part of E[X(t) | x, t_x, T] that does not depend on t_x, so it can be shared by
    /// customers with the same (x, T).
    pub fn expected_purchase_numerator(&self, t: f64, frequency: u32, age: f64) -> f64 {
        let mut out = [0.0];
        self.expected_purchase_numerators(&[t], frequency, age, &mut out);
        out[0]
    }

    /// [`Self::expected_purchase_numerator`] at several horizons, sharing the series.
    pub fn expected_purchase_numerators(
        &self,
        ts: &[f64],
        frequency: u32,
        age: f64,
        out: &mut [f64],
    ) {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let x = frequency as f64;
        let zs: Vec<f64> = ts.iter().map(|t| t / (alpha + age + t)).collect();
        // 1 − z = (α + T) / (α + T + t).
        let ln_1mz: Vec<f64> = ts
            .iter()
            .map(|t| ((alpha + age) / (alpha + age + t)).ln())
            .collect();
        let mut ln_f = vec![(0.0, 0.0); ts.len()];
        ln_hyp2f1_many(r + x, b + x, a + b + x - 1.0, &zs, &ln_1mz, &mut ln_f);
        for (((o, &t), &(ln_f, sign)), &ln_1mz) in out.iter_mut().zip(ts).zip(&ln_f).zip(&ln_1mz) {
            let u = ln_f + (r + x) * ln_1mz;
            let one_minus = if sign > 0.0 {
                -u.exp_m1()
            } else {
                1.0 + u.exp()
            };
            *o = if t == 0.0 {
                0.0
            } else {
                (a + b + x - 1.0) / (a - 1.0) * one_minus
            };
        }
    }

    pub fn expected_purchase_denominator(&self, obs: Observation) -> f64 {
        if obs.frequency == 0 {
            return 1.0;
        }
        let x = obs.frequency as f64;
        1.0 + self.a / (self.b + x - 1.0)
            * ((self.alpha + obs.age) / (self.alpha + obs.recency)).powf(self.r + x)
    }

    /// E[X(t)]: expected repeat purchases of a new customer in their first `t` time units.
    pub fn expected_purchases_unconditional(&self, t: f64) -> f64 {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let (ln_f, sign) = ln_hyp2f1(r, b, a + b - 1.0, t / (alpha + t));
        let u = ln_f + r * (alpha / (alpha + t)).ln();
        let one_minus = if sign > 0.0 {
            -u.exp_m1()
        } else {
            1.0 + u.exp()
        };
        (a + b - 1.0) / (a - 1.0) * one_minus
    }

    /// Median time to the next purchase of a customer who is alive at T: given alive, the
    /// rate has the posterior Gamma(r + x, α + T), so the wait is Lomax with
    /// P(W > w) = ((α + T) / (α + T + w))^(r + x) and median (α + T)(2^(1/(r + x)) − 1).
    pub fn median_wait_if_alive(&self, frequency: u32, age: f64) -> f64 {
        (self.alpha + age) * (std::f64::consts::LN_2 / (self.r + frequency as f64)).exp_m1()
    }

    /// The log-likelihood of the observations, in the time units of the parameters (NaN
    /// without observations or when every T is 0). Evaluated on the grouped tables the fit
    /// uses; the tests hold it to a customer-by-customer evaluation.
    pub fn log_likelihood(&self, observations: &[Observation]) -> f64 {
        let Some(data) = Prepared::new(observations) else {
            return f64::NAN;
        };
        let theta = [
            self.r.ln(),
            (self.alpha * data.scale).ln(),
            self.a.ln(),
            self.b.ln(),
        ];
        let mut grad = [0.0; 4];
        let ll_scaled = -data.objective(&theta, &mut grad, 0.0) * data.customers;
        ll_scaled + data.sum_x * data.scale.ln()
    }
}

/// The result of a maximum-likelihood fit, whether or not it converged.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub params: BgNbdParams,
    /// Total log-likelihood at `params`, in the caller's time units (without the penalty).
    pub log_likelihood: f64,
    pub minimum: Minimum,
}

/// Maximum-likelihood fit of (r, α, a, b). `penalizer` is `lifetimes`' `penalizer_coef`:
/// it adds penalizer · (r² + α² + a² + b²) to the mean negative log-likelihood, with α in
/// time scaled so that the largest T is 1. Zero is the plain maximum likelihood.
pub fn fit(observations: &[Observation], penalizer: f64) -> Option<Estimate> {
    let data = Prepared::new(observations)?;
    let start = [0.1f64; 4]; // `lifetimes`' starting point: every scaled parameter e^0.1
    let minimum = optimize::minimize(
        |theta, grad| data.objective(theta, grad, penalizer),
        &start,
        &Options {
            max_abs_x: super::MAX_LOG_PARAMETER,
            ..Options::default()
        },
    );
    let p: Vec<f64> = minimum.x.iter().map(|v| v.exp()).collect();
    let params = BgNbdParams {
        r: p[0],
        alpha: p[1] / data.scale,
        a: p[2],
        b: p[3],
    };
    let penalty = penalizer * p.iter().map(|v| v * v).sum::<f64>();
    // Scaling time by s shifts each customer's log-likelihood by −x ln s.
    let ll_scaled = -(minimum.value - penalty) * data.customers;
    let log_likelihood = ll_scaled + data.sum_x * data.scale.ln();
    Some(Estimate {
        params,
        log_likelihood,
        minimum,
    })
}

/// Customers grouped into distinct (x, t_x, T) patterns, with the logarithms that depend
/// only on t_x or only on T evaluated once per distinct value: one `exp` and one `ln_1p`
/// per repeat-buyer pattern per evaluation is all that is left.
struct Prepared {
    scale: f64,
    customers: f64,
    sum_x: f64,
    /// Distinct frequencies and how many customers have each.
    xs: Vec<f64>,
    x_count: Vec<f64>,
    /// Patterns: index into `xs`, `recencies`, `ages`, and the number of customers.
    pattern_x: Vec<u32>,
    pattern_recency: Vec<u32>,
    pattern_age: Vec<u32>,
    pattern_weight: Vec<f64>,
    recencies: Vec<f64>,
    ages: Vec<f64>,
}

impl Prepared {
    fn new(observations: &[Observation]) -> Option<Prepared> {
        let max_age = observations.iter().map(|o| o.age).fold(0.0f64, f64::max);
        if observations.is_empty() || max_age <= 0.0 || !max_age.is_finite() {
            return None;
        }
        let scale = 1.0 / max_age;
        let mut keys: Vec<(u32, u64, u64)> = observations
            .iter()
            .map(|o| {
                (
                    o.frequency,
                    (o.recency * scale).to_bits(),
                    (o.age * scale).to_bits(),
                )
            })
            .collect();
        keys.sort_unstable();
        let distinct = |mut v: Vec<u64>| {
            v.sort_unstable_by(|a, b| f64::from_bits(*a).total_cmp(&f64::from_bits(*b)));
            v.dedup();
            v
        };
        let recency_bits = distinct(keys.iter().map(|k| k.1).collect());
        let age_bits = distinct(keys.iter().map(|k| k.2).collect());
        let find = |bits: &[u64], v: u64| {
            bits.binary_search_by(|p| f64::from_bits(*p).total_cmp(&f64::from_bits(v)))
                .unwrap() as u32
        };
        let mut data = Prepared {
            scale,
            customers: observations.len() as f64,
            sum_x: observations.iter().map(|o| o.frequency as f64).sum(),
            xs: Vec::new(),
            x_count: Vec::new(),
            pattern_x: Vec::new(),
            pattern_recency: Vec::new(),
            pattern_age: Vec::new(),
            pattern_weight: Vec::new(),
            recencies: recency_bits.iter().map(|b| f64::from_bits(*b)).collect(),
            ages: age_bits.iter().map(|b| f64::from_bits(*b)).collect(),
        };
        let mut i = 0;
        while i < keys.len() {
            let mut j = i + 1;
            while j < keys.len() && keys[j] == keys[i] {
                j += 1;
            }
            let (x, rb, tb) = keys[i];
            let x = x as f64;
            if data.xs.last() != Some(&x) {
                data.xs.push(x);
                data.x_count.push(0.0);
            }
            *data.x_count.last_mut().unwrap() += (j - i) as f64;
            data.pattern_x.push(data.xs.len() as u32 - 1);
            data.pattern_recency.push(find(&recency_bits, rb));
            data.pattern_age.push(find(&age_bits, tb));
            data.pattern_weight.push((j - i) as f64);
            i = j;
        }
        Some(data)
    }

    /// `lifetimes`' objective at log-parameters θ (scaled time) and its gradient in θ.
    fn objective(&self, theta: &[f64], grad: &mut [f64], penalizer: f64) -> f64 {
        let (r, alpha, a, b) = (
            theta[0].exp(),
            theta[1].exp(),
            theta[2].exp(),
            theta[3].exp(),
        );
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        // Terms that depend on x only.
        let mut ln_b_x1 = Vec::with_capacity(self.xs.len());
        let (mut ll, mut dr, mut da, mut db) = (0.0, 0.0, 0.0, 0.0);
        let (lg_r, lg_ab, lg_b) = (ln_gamma(r), ln_gamma(a + b), ln_gamma(b));
        let (psi_r, psi_ab, psi_b) = (digamma(r), digamma(a + b), digamma(b));
        for (&x, &n) in self.xs.iter().zip(&self.x_count) {
            ll += n
                * (ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x)
                    - lg_b
                    - ln_gamma(a + b + x));
            let psi_abx = digamma(a + b + x);
            dr += n * (digamma(r + x) - psi_r + ln_alpha);
            da += n * (psi_ab - psi_abx);
            db += n * (psi_ab + digamma(b + x) - psi_b - psi_abx);
            ln_b_x1.push((b + x.max(1.0) - 1.0).ln());
        }
        let mut dalpha = self.customers * r / alpha;
        // Terms that depend on t_x or T only.
        let ln_rec: Vec<f64> = self.recencies.iter().map(|t| (alpha + t).ln()).collect();
        let inv_rec: Vec<f64> = self.recencies.iter().map(|t| 1.0 / (alpha + t)).collect();
        let ln_age: Vec<f64> = self.ages.iter().map(|t| (alpha + t).ln()).collect();
        let inv_age: Vec<f64> = self.ages.iter().map(|t| 1.0 / (alpha + t)).collect();
        let (mut alive_w_a, mut alive_w_b) = (0.0, 0.0);
        for j in 0..self.pattern_weight.len() {
            let k = self.pattern_x[j] as usize;
            let (ri, ti) = (
                self.pattern_recency[j] as usize,
                self.pattern_age[j] as usize,
            );
            let (n, x) = (self.pattern_weight[j], self.xs[k]);
            let rx = r + x;
            let a3 = -rx * ln_age[ti];
            if x == 0.0 {
                ll += n * a3;
                dr -= n * ln_age[ti];
                dalpha -= n * rx * inv_age[ti];
                continue;
            }
            let a4 = ln_a - ln_b_x1[k] - rx * ln_rec[ri];
            let d = a4 - a3;
            let e = (-d.abs()).exp();
            // ω: the share of the "still alive at T" term that is due to dropping out at t_x.
            let w = if d > 0.0 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
            // ln(1 + e) rather than ln_1p: e ≤ 1 is added to a max of order 1, so the
            // absolute error is the same and plain ln is cheaper.
            ll += n * (a3.max(a4) + (1.0 + e).ln());
            dr -= n * ((1.0 - w) * ln_age[ti] + w * ln_rec[ri]);
            dalpha -= n * rx * ((1.0 - w) * inv_age[ti] + w * inv_rec[ri]);
            alive_w_a += n * w;
            alive_w_b += n * w / (b + x - 1.0);
        }
        da += alive_w_a / a;
        db -= alive_w_b;
        let p = [r, alpha, a, b];
        let dll = [dr, dalpha, da, db];
        for i in 0..4 {
            grad[i] = -dll[i] * p[i] / self.customers + 2.0 * penalizer * p[i] * p[i];
        }
        -ll / self.customers + penalizer * p.iter().map(|v| v * v).sum::<f64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDNOW: BgNbdParams = BgNbdParams {
        r: 0.242_594_543_421_067_15,
        alpha: 4.413_602_716_077_372,
        a: 0.792_921_833_347_843_3,
        b: 2.425_905_728_721_623_7,
    };

    fn obs(frequency: u32, recency: f64, age: f64) -> Observation {
        Observation {
            frequency,
            recency,
            age,
        }
    }

    /// Equation (6) customer by customer, written out independently of `Prepared`.
    fn direct_log_likelihood(p: &BgNbdParams, observations: &[Observation]) -> f64 {
        let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b);
        observations
            .iter()
            .map(|o| {
                let x = o.frequency as f64;
                let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
                let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
                let a3 = -(r + x) * (alpha + o.age).ln();
                if o.frequency == 0 {
                    return a1 + a2 + a3;
                }
                let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + o.recency).ln();
                let m = a3.max(a4);
                a1 + a2 + m + ((a3 - m).exp() + (a4 - m).exp()).ln()
            })
            .sum()
    }

    #[test]
    fn p_alive_by_hand() {
        // x = 2, t_x = 30.43, T = 38.86: 1 / (1 + a/(b + 1) · ((α + T)/(α + t_x))^(r + 2)).
        let o = obs(2, 30.43, 38.86);
        let odds = CDNOW.a / (CDNOW.b + 1.0)
            * ((CDNOW.alpha + 38.86) / (CDNOW.alpha + 30.43)).powf(CDNOW.r + 2.0);
        assert!((CDNOW.p_alive(o) - 1.0 / (1.0 + odds)).abs() < 1e-15);
        assert_eq!(CDNOW.p_alive(obs(0, 0.0, 10.0)), 1.0);
    }

    #[test]
    fn conditional_expectation_of_a_new_customer_is_the_unconditional_one() {
        // With x = 0 and T = 0 the history says nothing: equation (10) reduces to (9).
        for t in [1.0, 10.0, 39.0, 52.14] {
            let cond = CDNOW.expected_purchases(t, obs(0, 0.0, 0.0));
            let uncond = CDNOW.expected_purchases_unconditional(t);
            assert!(
                (cond - uncond).abs() < 1e-13 * uncond,
                "t={t}: {cond} vs {uncond}"
            );
        }
        // E[X(t)] grows like the mean rate r/α · t for small t (nobody has dropped out yet).
        let t = 1e-4;
        let slope = CDNOW.expected_purchases_unconditional(t) / t;
        assert!((slope - CDNOW.r / CDNOW.alpha).abs() < 1e-4 * slope);
    }

    #[test]
    fn median_wait_halves_the_survival_function() {
        let (x, age) = (3, 20.0);
        let w = CDNOW.median_wait_if_alive(x, age);
        let survival = ((CDNOW.alpha + age) / (CDNOW.alpha + age + w)).powf(CDNOW.r + x as f64);
        assert!((survival - 0.5).abs() < 1e-14);
    }

    /// The grouped, tabulated objective equals the customer-by-customer likelihood, and its
    /// gradient equals central differences of it.
    #[test]
    fn objective_matches_direct_likelihood_and_its_gradient() {
        let data: Vec<Observation> = (0..200)
            .map(|i| {
                let x = (i * 7 % 11) as u32 % 6;
                let age = 5.0 + (i % 13) as f64 * 2.5;
                let rec = if x == 0 {
                    0.0
                } else {
                    age * ((i % 5) as f64 + 1.0) / 6.0
                };
                obs(x, rec, age)
            })
            .collect();
        let prepared = Prepared::new(&data).unwrap();
        let theta = [
            CDNOW.r.ln(),
            (CDNOW.alpha * prepared.scale).ln(),
            CDNOW.a.ln(),
            CDNOW.b.ln(),
        ];
        let mut grad = [0.0; 4];
        let value = prepared.objective(&theta, &mut grad, 0.0);
        let scaled = BgNbdParams {
            alpha: CDNOW.alpha * prepared.scale,
            ..CDNOW
        };
        let scaled_data: Vec<Observation> = data
            .iter()
            .map(|o| {
                obs(
                    o.frequency,
                    o.recency * prepared.scale,
                    o.age * prepared.scale,
                )
            })
            .collect();
        let direct = -direct_log_likelihood(&scaled, &scaled_data) / data.len() as f64;
        assert!((value - direct).abs() < 1e-13, "{value} vs {direct}");
        let (grouped, direct) = (
            CDNOW.log_likelihood(&data),
            direct_log_likelihood(&CDNOW, &data),
        );
        assert!(
            (grouped - direct).abs() < 1e-12 * direct.abs(),
            "{grouped} vs {direct}"
        );
        for i in 0..4 {
            let h = 1e-6;
            let (mut up, mut down) = (theta, theta);
            up[i] += h;
            down[i] -= h;
            let mut g = [0.0; 4];
            let numeric = (prepared.objective(&up, &mut g, 0.0)
                - prepared.objective(&down, &mut g, 0.0))
                / (2.0 * h);
            assert!(
                (grad[i] - numeric).abs() < 1e-7,
                "∂{i}: {} vs {numeric}",
                grad[i]
            );
        }
    }
}
