//! Special functions the BG/NBD and Gamma-Gamma models need: log-gamma, digamma and the
//! Gauss hypergeometric function 2F1 in log space.
//!
//! 2F1 is summed as its power series (Abramowitz & Stegun 15.1.1), after Euler's
//! transformation 2F1(a, b; c; z) = (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z) (A&S 15.3.3)
//! whenever that makes the tail decay faster. BG/NBD's conditional expectation calls it with
//! a = r + x, b = b + x, c = a + b + x − 1: for a customer with x repeat purchases the
//! transformed series has parameters that do not grow with x, so heavy buyers cost a few
//! terms instead of hundreds, and the value (which grows like (1 − z)^(−x)) lives in its
//! logarithm instead of overflowing. No crate that builds for wasm32 has 2F1.

/// ln Γ(x) for x > 0 (musl's algorithm via the `libm` crate).
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then
/// the asymptotic series (A&S 6.3.18), accurate to a few ulp there.
pub fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // Bernoulli-number coefficients B_2k / (2k): 1/12, 1/120, 1/252, 1/240, 1/132, 691/32760.
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
    shift + x.ln() - 0.5 * inv - series
}

/// Sum of a series stopped when the next term cannot move the sum: relative 1e-17.
const SERIES_EPS: f64 = 1e-17;
/// The power series needs about ln(ε) / ln(z) terms; this bounds z ≈ 0.99996.
const MAX_TERMS: usize = 1_000_000;

/// ln |2F1(a, b; c; z)| and the sign of 2F1, for 0 ≤ z < 1 and c not a non-positive integer.
///
/// Returns `(NaN, NaN)` outside that domain or when the series would need more than a
/// million terms (z within about 4e-5 of 1), so a caller never mistakes it for a number.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> (f64, f64) {
    let mut out = [(0.0, 0.0)];
    ln_hyp2f1_many(a, b, c, &[z], &[(-z).ln_1p()], &mut out);
    out[0]
}

/// [`ln_hyp2f1`] at several z with the same a, b, c: the series coefficients are computed
/// once and shared, which is how a customer's E[X] at every CLV month is evaluated.
/// `ln_one_minus_z` holds ln(1 − z) for each z, which callers often know more exactly than
/// `ln_1p(−z)` of a rounded z.
pub fn ln_hyp2f1_many(
    a: f64,
    b: f64,
    c: f64,
    zs: &[f64],
    ln_one_minus_z: &[f64],
    out: &mut [(f64, f64)],
) {
    assert!(zs.len() == out.len() && zs.len() == ln_one_minus_z.len());
    let nan = (f64::NAN, f64::NAN);
    if !(a.is_finite() && b.is_finite() && c.is_finite()) || (c <= 0.0 && c == c.floor()) {
        out.fill(nan);
        return;
    }
    // Tail terms behave like n^(a+b−c−1) z^n directly and n^(c−a−b−1) z^n after Euler's
    // transformation: use whichever decays faster.
    let euler = a + b > c;
    let (sa, sb) = if euler { (c - a, c - b) } else { (a, b) };
    power_series(sa, sb, c, zs, out);
    for ((o, &z), &ln_1mz) in out.iter_mut().zip(zs).zip(ln_one_minus_z) {
        if !(0.0..1.0).contains(&z) {
            *o = nan;
        } else if euler && o.1 != 0.0 {
            o.0 += (c - a - b) * ln_1mz;
        }
    }
}

/// ln |Σ (a)_n (b)_n / ((c)_n n!) z^n| and its sign for each z, rescaling as it goes so
/// that neither the terms nor the sums overflow.
///
/// The z are summed in increasing order: the smallest converges first, so only the first
/// unfinished one is tested each round and the inner loop over the rest stays branch-free.
/// (A z tested late only gets more terms than it needed.)
fn power_series(a: f64, b: f64, c: f64, zs: &[f64], out: &mut [(f64, f64)]) {
    const BIG: f64 = 1e250;
    const LARGE: f64 = 1e100;
    let mut order: Vec<usize> = (0..zs.len())
        .filter(|&i| zs[i] > 0.0 && zs[i] < 1.0)
        .collect();
    order.sort_by(|&i, &j| zs[i].total_cmp(&zs[j]));
    let z: Vec<f64> = order.iter().map(|&i| zs[i]).collect();
    let m = z.len();
    let (mut term, mut sum, mut ln_scale) = (vec![1.0f64; m], vec![1.0f64; m], vec![0.0f64; m]);
    let coefficient_ratio = |k: f64| (a + k) * (b + k) / ((c + k) * (k + 1.0));
    // a or b zero: the series is 1.
    let mut first = if a == 0.0 || b == 0.0 { m } else { 0 };
    let mut ratio = coefficient_ratio(0.0);
    let mut n = 0;
    while first < m && n < MAX_TERMS {
        if ratio == 0.0 {
            // a or b is a non-positive integer: the series was a polynomial and is complete.
            first = m;
            break;
        }
        let mut peak = 0.0f64;
        for k in first..m {
            term[k] *= ratio * z[k];
            sum[k] += term[k];
            peak = peak.max(term[k].abs()).max(sum[k].abs());
        }
        if peak > BIG {
            for k in first..m {
                if term[k].abs() > LARGE || sum[k].abs() > LARGE {
                    term[k] /= BIG;
                    sum[k] /= BIG;
                    ln_scale[k] += BIG.ln();
                }
            }
        }
        let next = coefficient_ratio((n + 1) as f64);
        // The ratio of successive terms tends to z, crossing it at most once (its distance
        // from z has a numerator linear in n), so once the terms shrink the tail is at most
        // |term| q / (1 − q) with q the larger of the next ratio and z.
        while first < m {
            let q = (next * z[first]).abs().max(z[first]);
            if q < 1.0 && term[first].abs() * q <= SERIES_EPS * sum[first].abs() * (1.0 - q) {
                first += 1;
            } else {
                break;
            }
        }
        ratio = next;
        n += 1;
    }
    for o in out.iter_mut() {
        *o = (0.0, 1.0); // z = 0 (and the domain errors the caller marks)
    }
    for (k, &i) in order.iter().enumerate() {
        out[i] = if k >= first {
            (f64::NAN, f64::NAN)
        } else if sum[k] == 0.0 {
            (f64::NEG_INFINITY, 0.0)
        } else {
            (sum[k].abs().ln() + ln_scale[k], sum[k].signum())
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    #[test]
    fn digamma_known_values() {
        let euler_gamma = 0.577_215_664_901_532_9;
        assert!(rel(digamma(1.0), -euler_gamma) < 1e-14);
        assert!(rel(digamma(0.5), -euler_gamma - 2.0 * 2f64.ln()) < 1e-14);
        // ψ(10) = H_9 − γ.
        let h9: f64 = (1..=9).map(|k| 1.0 / k as f64).sum();
        assert!(rel(digamma(10.0), h9 - euler_gamma) < 1e-14);
        // ψ is the derivative of ln Γ.
        for x in [0.05, 0.7929, 3.5, 42.0, 1500.0] {
            let h = 1e-5 * x;
            let numeric = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(
                (digamma(x) - numeric).abs() < 1e-7 * digamma(x).abs().max(1.0),
                "x={x}"
            );
        }
    }

    #[test]
    fn ln_gamma_known_values() {
        assert!(rel(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln()) < 1e-15);
        assert_eq!(ln_gamma(1.0), 0.0);
        assert!(rel(ln_gamma(11.0), 3_628_800f64.ln()) < 1e-15);
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // 2F1(1, 1; 2; z) = −ln(1 − z) / z (A&S 15.1.3).
        for z in [0.01, 0.3, 0.9, 0.999] {
            let (ln_f, sign) = ln_hyp2f1(1.0, 1.0, 2.0, z);
            assert_eq!(sign, 1.0);
            let err = rel(ln_f.exp(), -(-z).ln_1p() / z);
            // z = 0.999 sums about 40,000 positive terms, each rounding once.
            assert!(err < 1e-13, "z={z}: {err:e}");
        }
        // 2F1(a, b; b; z) = (1 − z)^(−a) (A&S 15.1.8), which takes the Euler branch.
        let (ln_f, _) = ln_hyp2f1(300.5, 2.0, 2.0, 0.97);
        assert!(rel(ln_f, -300.5 * 0.03f64.ln()) < 1e-14);
        // A polynomial: 2F1(−2, 1; 1; z) = (1 − z)^2.
        let (ln_f, sign) = ln_hyp2f1(-2.0, 1.0, 1.0, 0.4);
        assert!(rel(ln_f.exp() * sign, 0.36) < 1e-15);
        // Negative non-integer c and a negative value: 2F1(1, 1; −0.5; 0.5) by the recurrence
        // of its series summed to convergence in exact rational steps below.
        let mut sum = 0.0;
        let mut term = 1.0;
        for n in 0..200 {
            sum += term;
            let k = n as f64;
            term *= (1.0 + k) * (1.0 + k) / ((-0.5 + k) * (k + 1.0)) * 0.5;
        }
        let (ln_f, sign) = ln_hyp2f1(1.0, 1.0, -0.5, 0.5);
        assert_eq!(sign, sum.signum());
        assert!(rel(ln_f.exp(), sum.abs()) < 1e-13);
    }

    #[test]
    fn many_z_at_once_equal_one_at_a_time() {
        let zs = [0.0, 0.05, 0.4, 0.93, 1.0];
        let mut many = [(0.0, 0.0); 5];
        for (a, b, c) in [(0.24, 2.43, 2.22), (30.24, 32.4, 32.2), (1.0, 1.0, -0.5)] {
            let ln_1mz: Vec<f64> = zs.iter().map(|z: &f64| (-z).ln_1p()).collect();
            ln_hyp2f1_many(a, b, c, &zs, &ln_1mz, &mut many);
            for (&z, m) in zs.iter().zip(&many) {
                let one = ln_hyp2f1(a, b, c, z);
                assert!(
                    one == *m || (one.0.is_nan() && m.0.is_nan()),
                    "{a} {b} {c} {z}"
                );
            }
        }
        assert_eq!(many[0], (0.0, 1.0));
        assert!(many[4].0.is_nan());
    }

    #[test]
    fn hyp2f1_outside_its_domain_is_nan() {
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0).0.is_nan());
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, -0.1).0.is_nan());
        assert!(ln_hyp2f1(1.0, 1.0, -2.0, 0.5).0.is_nan());
        assert_eq!(ln_hyp2f1(3.0, 4.0, 5.0, 0.0), (0.0, 1.0));
    }

    /// `tests/fixtures/cdnow/hyp2f1.csv` holds ln scipy.special.hyp2f1 (scipy 1.17.1) over the
    /// arguments BG/NBD produces (a = r + x, b = b + x, c = a + b + x − 1, z = t/(α + T + t)
    /// for r, α, a, b around and far from the CDNOW fit, x up to 150, z up to 0.97) and ln of
    /// mpmath's 40-digit value; `make_reference.py` beside it says how. scipy returns NaN where
    /// 2F1 exceeds about e^500: there the mpmath value is the reference.
    #[test]
    fn hyp2f1_matches_scipy_over_the_model_range() {
        let text = include_str!("../../../tests/fixtures/cdnow/hyp2f1.csv");
        let mut checked = 0;
        let mut beyond_scipy = 0;
        for line in text.lines().skip(1) {
            let v: Vec<f64> = line
                .split(',')
                .map(|s| s.parse().unwrap_or(f64::NAN))
                .collect();
            let (a, b, c, z, ln_scipy, ln_mpmath) = (v[0], v[1], v[2], v[3], v[4], v[5]);
            let (ln_f, sign) = ln_hyp2f1(a, b, c, z);
            assert_eq!(sign, 1.0, "{line}");
            let want = if ln_scipy.is_nan() {
                beyond_scipy += 1;
                ln_mpmath
            } else {
                ln_scipy
            };
            // ln F to 1e-13 absolute (or relative when large) is F to 1e-13 relative.
            let err = (ln_f - want).abs() / want.abs().max(1.0);
            assert!(err < 1e-13, "{line}: got {ln_f}, error {err:e}");
            checked += 1;
        }
        assert_eq!((checked, beyond_scipy), (1988, 6));
    }
}
