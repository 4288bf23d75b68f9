//! Sorting and ranking helpers shared by the tiers, RFM and the scores.
//!
//! Rankings sort integer keys (a float mapped to an order-preserving `u64`, then the customer's
//! key position) with `sort_unstable`, faster than comparing floats through a closure and the
//! same order as a stable sort by (value, key).

/// A `u64` that sorts like the float (ascending; -0.0 equals 0.0; NaN is not expected).
pub fn float_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The float a `float_key` came from.
pub fn float_from_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

/// Percentile rank on 0-100 with ties at their average rank: the lowest value scores 0, the
/// highest 100, and value `x` scores `100 * (below + (equal - 1) / 2) / (n - 1)`.
/// A single value scores 50: with nobody to compare with it sits in the middle.
pub fn percentile_ranks(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut out = vec![50.0; n];
    if n < 2 {
        return out;
    }
    let mut order: Vec<(u64, u32)> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| (float_key(v), i as u32))
        .collect();
    order.sort_unstable();
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && order[j + 1].0 == order[i].0 {
            j += 1;
        }
        // Positions i..=j tie: average position (i + j) / 2.
        let score = 100.0 * (i + j) as f64 / 2.0 / (n - 1) as f64;
        for &(_, k) in &order[i..=j] {
            out[k as usize] = score;
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_keys_sort_like_floats() {
        let xs = [-1e9, -2.5, -0.0, 0.0, 1e-300, 3.0, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(float_key(w[0]) <= float_key(w[1]), "{w:?}");
        }
        assert_eq!(float_key(-0.0), float_key(0.0));
        for x in xs {
            assert_eq!(float_from_key(float_key(x)), x + 0.0);
        }
        assert!(float_key(-2.5) < float_key(-1.0));
    }

    #[test]
    fn percentiles_average_ties() {
        assert_eq!(
            percentile_ranks(&[30.0, 10.0, 20.0]),
            vec![100.0, 0.0, 50.0]
        );
        // 5, 5 tie at positions 0 and 1 of 0..=4: (0 + 1) / 2 / 4 = 12.5%.
        assert_eq!(
            percentile_ranks(&[5.0, 9.0, 5.0, 7.0, 8.0]),
            vec![12.5, 100.0, 12.5, 50.0, 75.0]
        );
        assert_eq!(percentile_ranks(&[4.0, 4.0]), vec![50.0, 50.0]);
        assert_eq!(percentile_ranks(&[4.0]), vec![50.0]);
        assert!(percentile_ranks(&[]).is_empty());
    }
}
