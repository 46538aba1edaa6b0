//! `f64::min` and `f64::max` by one comparison each. In wasm, `f64::min` and `f64::max` are
//! calls (to libm's `fmin` and `fmax`: wasm's own `min` and `max` treat NaN otherwise), and
//! the hot paths take them once per candidate of a pick and twice per lesson.

/// `x.min(hi)`, NaN giving `hi` as `f64::min` does.
#[inline(always)]
pub(crate) fn at_most(x: f64, hi: f64) -> f64 {
    if x < hi {
        x
    } else {
        hi
    }
}

/// `x.max(lo)`, NaN giving `lo` as `f64::max` does.
#[inline(always)]
pub(crate) fn at_least(x: f64, lo: f64) -> f64 {
    if x > lo {
        x
    } else {
        lo
    }
}

// Tests only: their asserts check fixed inputs.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn they_answer_as_f64_min_and_max_do() {
        let values = [
            f64::NAN,
            f64::NEG_INFINITY,
            -1.0,
            -0.5,
            0.0,
            0.5,
            1.0,
            1e15,
            f64::INFINITY,
        ];
        for x in values {
            for bound in values.into_iter().filter(|b| !b.is_nan()) {
                assert_eq!(
                    at_most(x, bound).to_bits(),
                    x.min(bound).to_bits(),
                    "{x} {bound}"
                );
                assert_eq!(
                    at_least(x, bound).to_bits(),
                    x.max(bound).to_bits(),
                    "{x} {bound}"
                );
            }
        }
    }
}
