//! Unconstrained minimisation for the maximum-likelihood fits, on log-parameters.
//!
//! BFGS with an Armijo backtracking line search (Nocedal & Wright, *Numerical Optimization*,
//! 2nd ed., algorithms 6.1 and 3.1) does the work: with analytic gradients it needs a few
//! dozen evaluations where the simplex needs hundreds. When BFGS cannot finish (a step
//! lands on a non-finite value, the line search stalls, the iteration budget runs out),
//! Nelder-Mead (Lagarias et al. 1998 coefficients) restarts from the initial point, since it
//! needs no gradient and copes with a ragged surface, and BFGS then polishes its answer.
//! Convergence is declared only when the gradient is small at the returned point: the
//! callers report anything else as a failed fit instead of printing its numbers.

use serde::{Deserialize, Serialize};

/// How a minimisation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The gradient norm reached the tolerance.
    Converged,
    /// The iteration budget ran out before the gradient became small.
    IterationLimit,
    /// The objective was not finite at the starting point or everywhere it was tried.
    NonFinite,
    /// No step along the search direction lowered the objective, yet the gradient is not small.
    Stalled,
    /// A coordinate left the box `Options::max_abs_x`: the objective keeps falling towards
    /// the edge of the parameter space and has no minimum inside it.
    Runaway,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Converged when every gradient component is at most this.
    pub gradient_tolerance: f64,
    pub max_iterations: usize,
    /// Largest change of any coordinate in one BFGS step (a factor e^2 on a parameter).
    pub max_step: f64,
    /// The search stops ([`Outcome::Runaway`]) once a coordinate's magnitude exceeds this:
    /// chasing a minimum at infinity along a flat ridge costs thousands of evaluations.
    pub max_abs_x: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            gradient_tolerance: 1e-9,
            max_iterations: 500,
            max_step: 2.0,
            max_abs_x: f64::INFINITY,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub value: f64,
    /// Largest absolute gradient component at `x`, over the coordinates not held.
    pub gradient_max: f64,
    pub outcome: Outcome,
    /// Objective evaluations in all phases.
    pub evaluations: usize,
    /// Coordinates held at the edge of the box `Options::max_abs_x` (ascending): the
    /// objective kept falling towards it, and the others were minimised with these fixed.
    pub held: Vec<usize>,
}

/// Minimises `f`, which returns the objective at `x` and writes its gradient into the slice,
/// inside the box |x_i| ≤ `options.max_abs_x`: a coordinate that runs out of it is held at its
/// edge and the rest are minimised again, as a bound-constrained method would end on that
/// face of the box. Only when every coordinate ran out is the outcome [`Outcome::Runaway`].
pub fn minimize<F>(mut f: F, x0: &[f64], options: &Options) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let n = x0.len();
    let (mut x, mut held, mut evaluations) = (x0.to_vec(), Vec::new(), 0);
    loop {
        let free: Vec<usize> = (0..n).filter(|i| !held.contains(i)).collect();
        let start: Vec<f64> = free.iter().map(|&i| x[i]).collect();
        let (mut point, mut gradient) = (x.clone(), vec![0.0; n]);
        let m = minimize_inside(
            |y: &[f64], g: &mut [f64]| {
                for (k, &i) in free.iter().enumerate() {
                    point[i] = y[k];
                }
                let value = f(&point, &mut gradient);
                for (k, &i) in free.iter().enumerate() {
                    g[k] = gradient[i];
                }
                value
            },
            &start,
            options,
        );
        evaluations += m.evaluations;
        for (k, &i) in free.iter().enumerate() {
            x[i] = m.x[k];
        }
        if m.outcome == Outcome::Runaway && free.len() > 1 {
            for &i in &free {
                if x[i].abs() > options.max_abs_x {
                    x[i] = options.max_abs_x.copysign(x[i]);
                    held.push(i);
                }
            }
            continue;
        }
        held.sort_unstable();
        return Minimum {
            x,
            evaluations,
            held,
            ..m
        };
    }
}

/// BFGS, then (when it cannot finish) Nelder-Mead from `x0` and BFGS from the simplex's best.
fn minimize_inside<F>(mut f: F, x0: &[f64], options: &Options) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let first = bfgs(&mut f, x0, options);
    if matches!(first.outcome, Outcome::Converged | Outcome::Runaway) {
        return first;
    }
    let simplex = nelder_mead(&mut f, x0, 0.5, 4000, options.max_abs_x);
    if simplex.outcome == Outcome::Runaway {
        return Minimum {
            evaluations: first.evaluations + simplex.evaluations,
            ..simplex
        };
    }
    if !simplex.value.is_finite() {
        return Minimum {
            evaluations: first.evaluations + simplex.evaluations,
            ..first
        };
    }
    let polished = bfgs(&mut f, &simplex.x, options);
    Minimum {
        evaluations: first.evaluations + simplex.evaluations + polished.evaluations,
        ..polished
    }
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// BFGS on the inverse Hessian approximation.
pub fn bfgs<F>(f: &mut F, x0: &[f64], options: &Options) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut value = f(&x, &mut g);
    let mut evaluations = 1;
    let done = |x: Vec<f64>, value, g: &[f64], outcome, evaluations| Minimum {
        x,
        value,
        gradient_max: max_abs(g),
        outcome,
        evaluations,
        held: Vec::new(),
    };
    if !value.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return done(x, value, &g, Outcome::NonFinite, evaluations);
    }
    let mut h = identity(n);
    let mut first_step = true;
    let (mut x_new, mut g_new, mut d) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for _ in 0..options.max_iterations {
        if max_abs(&g) <= options.gradient_tolerance {
            return done(x, value, &g, Outcome::Converged, evaluations);
        }
        mat_vec(&h, &g, &mut d);
        d.iter_mut().for_each(|v| *v = -*v);
        let mut slope = dot(&g, &d);
        if slope.is_nan() || slope >= 0.0 {
            // Not a descent direction (the approximation lost positive definiteness): restart.
            h = identity(n);
            d.iter_mut().zip(&g).for_each(|(v, gi)| *v = -gi);
            slope = dot(&g, &d);
        }
        // When the step the model predicts gains less than the objective's own rounding, no
        // line search can tell better from worse: this is the optimum to working precision.
        if -slope <= 4.0 * f64::EPSILON * value.abs().max(1.0) {
            return done(x, value, &g, at_rounding_floor(&g, options), evaluations);
        }
        let longest = max_abs(&d);
        let mut step = if longest > options.max_step {
            options.max_step / longest
        } else {
            1.0
        };
        let mut accepted = None;
        for _ in 0..40 {
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            let trial = f(&x_new, &mut g_new);
            evaluations += 1;
            // Armijo's sufficient decrease, and a strict one: a step that changes nothing
            // would otherwise be "accepted" forever.
            if trial.is_finite()
                && g_new.iter().all(|v| v.is_finite())
                && trial < value
                && trial <= value + 1e-4 * step * slope
            {
                accepted = Some(trial);
                break;
            }
            step *= 0.5;
        }
        let Some(trial) = accepted else {
            return done(x, value, &g, at_rounding_floor(&g, options), evaluations);
        };
        let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            if first_step {
                // Scale the initial approximation to the observed curvature (N&W eq. 6.20).
                let scale = sy / dot(&y, &y);
                h.iter_mut()
                    .for_each(|row| row.iter_mut().for_each(|v| *v *= scale));
                first_step = false;
            }
            bfgs_update(&mut h, &s, &y, sy);
        }
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        let gain = value - trial;
        value = trial;
        if max_abs(&x) > options.max_abs_x {
            return done(x, value, &g, Outcome::Runaway, evaluations);
        }
        // Gains of 1e-12 of the objective with a near-zero gradient: further steps only
        // chase rounding (a likelihood over 100,000 customers stalls here, near 1e-7).
        if gain <= 1e-12 * value.abs().max(1.0)
            && at_rounding_floor(&g, options) == Outcome::Converged
        {
            return done(x, value, &g, Outcome::Converged, evaluations);
        }
    }
    let outcome = if max_abs(&g) <= options.gradient_tolerance {
        Outcome::Converged
    } else {
        Outcome::IterationLimit
    };
    done(x, value, &g, outcome, evaluations)
}

/// No representable improvement is left. With a small gradient (≤ 1000 × the tolerance) that
/// is the optimum to working precision; otherwise the search stalled.
fn at_rounding_floor(g: &[f64], options: &Options) -> Outcome {
    if max_abs(g) <= 1e3 * options.gradient_tolerance {
        Outcome::Converged
    } else {
        Outcome::Stalled
    }
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

fn mat_vec(m: &[Vec<f64>], v: &[f64], out: &mut [f64]) {
    for (o, row) in out.iter_mut().zip(m) {
        *o = dot(row, v);
    }
}

/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / (yᵀ s).
fn bfgs_update(h: &mut [Vec<f64>], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    let mut hy = vec![0.0; n];
    mat_vec(h, y, &mut hy);
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

/// Nelder-Mead with the standard coefficients (reflect 1, expand 2, contract ½, shrink ½).
/// Non-finite values count as +∞, so the simplex walks away from them. Stops with
/// [`Outcome::Runaway`] when its best point leaves the box `max_abs_x`.
pub fn nelder_mead<F>(
    f: &mut F,
    x0: &[f64],
    initial_step: f64,
    max_evaluations: usize,
    max_abs_x: f64,
) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let n = x0.len();
    let mut scratch = vec![0.0; n];
    let mut evaluations = 0;
    let mut eval = |x: &[f64], evaluations: &mut usize| {
        *evaluations += 1;
        let v = f(x, &mut scratch);
        if v.is_finite() { v } else { f64::INFINITY }
    };
    let mut points: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut p = x0.to_vec();
        p[i] += initial_step;
        points.push(p);
    }
    let mut values: Vec<f64> = points.iter().map(|p| eval(p, &mut evaluations)).collect();
    while evaluations < max_evaluations {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
        points = order.iter().map(|&i| points[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let spread = values[n] - values[0];
        let diameter = points[1..]
            .iter()
            .map(|p| {
                p.iter()
                    .zip(&points[0])
                    .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()))
            })
            .fold(0.0f64, f64::max);
        if spread.is_finite() && spread <= 1e-13 * (1.0 + values[0].abs()) && diameter <= 1e-9 {
            break;
        }
        if max_abs(&points[0]) > max_abs_x {
            let mut g = vec![0.0; n];
            let value = f(&points[0], &mut g);
            return Minimum {
                x: points[0].clone(),
                value,
                gradient_max: max_abs(&g),
                outcome: Outcome::Runaway,
                evaluations: evaluations + 1,
                held: Vec::new(),
            };
        }
        let centroid: Vec<f64> = (0..n)
            .map(|i| points[..n].iter().map(|p| p[i]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|i| centroid[i] + t * (points[n][i] - centroid[i]))
                .collect()
        };
        let reflected = along(-1.0);
        let fr = eval(&reflected, &mut evaluations);
        if fr < values[0] {
            let expanded = along(-2.0);
            let fe = eval(&expanded, &mut evaluations);
            (points[n], values[n]) = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < values[n - 1] {
            (points[n], values[n]) = (reflected, fr);
        } else {
            // Outside contraction when the reflection helped a little, inside otherwise.
            let contracted = along(if fr < values[n] { -0.5 } else { 0.5 });
            let fc = eval(&contracted, &mut evaluations);
            if fc < values[n].min(fr) {
                (points[n], values[n]) = (contracted, fc);
            } else {
                let best = points[0].clone();
                for k in 1..=n {
                    for (v, b) in points[k].iter_mut().zip(&best) {
                        *v = b + 0.5 * (*v - b);
                    }
                    values[k] = eval(&points[k], &mut evaluations);
                }
            }
        }
    }
    let best = (0..=n)
        .min_by(|&i, &j| values[i].total_cmp(&values[j]))
        .unwrap_or(0);
    let mut g = vec![0.0; n];
    let value = f(&points[best], &mut g);
    Minimum {
        x: points[best].clone(),
        value,
        gradient_max: max_abs(&g),
        outcome: if value.is_finite() {
            Outcome::IterationLimit
        } else {
            Outcome::NonFinite
        },
        evaluations: evaluations + 1,
        held: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's banana: minimum 0 at (1, 1), a classic trap for naive descent.
    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn bfgs_finds_the_rosenbrock_minimum() {
        let m = minimize(rosenbrock, &[-1.2, 1.0], &Options::default());
        assert_eq!(m.outcome, Outcome::Converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8,
            "{:?}",
            m.x
        );
        assert!(m.evaluations < 200, "{}", m.evaluations);
    }

    #[test]
    fn nelder_mead_alone_gets_close_without_gradients() {
        let mut f = rosenbrock;
        let m = nelder_mead(&mut f, &[-1.2, 1.0], 0.5, 4000, f64::INFINITY);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6,
            "{:?}",
            m.x
        );
    }

    #[test]
    fn a_ragged_start_falls_back_to_the_simplex_and_still_converges() {
        // ln-barrier: not finite for x ≤ 0, minimum at x = 1 (value 1). A first BFGS step of
        // length 2 from x = 0.05 overshoots into the undefined half and the line search must
        // back off; starting on the undefined side, BFGS fails at once and the simplex runs.
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 1.0 - 1.0 / x[0];
            if x[0] > 0.0 {
                x[0] - x[0].ln()
            } else {
                f64::NAN
            }
        };
        let m = minimize(f, &[0.05], &Options::default());
        assert_eq!(m.outcome, Outcome::Converged);
        assert!((m.x[0] - 1.0).abs() < 1e-6, "{}", m.x[0]);
        let m = minimize(f, &[-1.0], &Options::default());
        assert_eq!(m.outcome, Outcome::NonFinite);
    }

    #[test]
    fn a_minimum_below_the_objectives_rounding_ends_without_endless_line_searches() {
        // 1000 + 0.001 (x − 1)²: f64 cannot see |x − 1| below about 1e-5, where the gradient
        // is still about 2e-8, above the 1e-9 tolerance. The search must stop there, converged.
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 2e-3 * (x[0] - 1.0);
            1000.0 + 1e-3 * (x[0] - 1.0).powi(2)
        };
        let m = minimize(f, &[3.0], &Options::default());
        assert_eq!(m.outcome, Outcome::Converged);
        assert!((m.x[0] - 1.0).abs() < 1e-4, "{}", m.x[0]);
        assert!(m.evaluations < 60, "{}", m.evaluations);
    }

    #[test]
    fn an_unbounded_objective_is_not_reported_as_converged() {
        // A linear objective has no minimum: every phase runs out of budget.
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 1.0 - 1e-3;
            x[0] * (1.0 - 1e-3)
        };
        let m = minimize(
            f,
            &[0.0],
            &Options {
                max_iterations: 50,
                ..Options::default()
            },
        );
        assert_ne!(m.outcome, Outcome::Converged);
    }

    #[test]
    fn a_minimum_at_infinity_stops_at_the_bound() {
        // e^(−x) falls for ever; with the box at 10 both phases must stop just past it.
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = -(-x[0]).exp();
            (-x[0]).exp()
        };
        let options = Options {
            max_abs_x: 10.0,
            ..Options::default()
        };
        let m = minimize(f, &[0.0], &options);
        assert_eq!(m.outcome, Outcome::Runaway);
        assert!(m.x[0] > 10.0 && m.x[0] <= 12.0, "{}", m.x[0]);
        assert!(m.evaluations < 50, "{}", m.evaluations);
        let s = nelder_mead(&mut { f }, &[0.0], 0.5, 4000, 10.0);
        assert_eq!(s.outcome, Outcome::Runaway);
        assert!(s.x[0] > 10.0 && s.evaluations < 200, "{s:?}");
    }

    #[test]
    fn a_coordinate_that_runs_off_is_held_and_the_rest_minimised() {
        // e^(−x) + (y − 1)²: x runs out of the box at 10 and stays there; y still finds 1.
        let f = |v: &[f64], g: &mut [f64]| {
            g[0] = -(-v[0]).exp();
            g[1] = 2.0 * (v[1] - 1.0);
            (-v[0]).exp() + (v[1] - 1.0).powi(2)
        };
        let options = Options {
            max_abs_x: 10.0,
            ..Options::default()
        };
        let m = minimize(f, &[0.0, 5.0], &options);
        assert_eq!(m.outcome, Outcome::Converged);
        assert_eq!(m.held, [0]);
        assert_eq!(m.x[0], 10.0);
        assert!((m.x[1] - 1.0).abs() < 1e-9, "{m:?}");
    }
}
