//! Great-circle distance as the Erasmus+ distance calculator computes it.

/// Earth radius of the official calculator's sphere, in km (Leaflet's 6,371,000 m). Not the
/// WGS84 ellipsoid and not the IUGG mean radius 6371.0088 km that some crates default to.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in km between two `(latitude, longitude)` points in decimal degrees,
/// by the haversine formula on a sphere of radius [`EARTH_RADIUS_KM`].
///
/// Symmetric, zero for equal points, π × 6371 km for antipodes, and correct across the
/// antimeridian. Non-finite input gives NaN.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    // Rounding can push h a hair outside [0, 1] near antipodes; asin would then give NaN.
    2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
}

/// A distance in km as integer hundredths of a km (the official tool shows 2 decimals),
/// rounded half away from zero: `round_km_2(1365.284)` is `136528`.
///
/// Negative, NaN or infinite distances are not distances: they give 0 (negative, NaN) or
/// `u64::MAX` (+∞), never a panic.
pub fn round_km_2(km: f64) -> u64 {
    if km.is_nan() || km <= 0.0 {
        return 0;
    }
    // f64::round rounds half away from zero; `as` saturates at u64::MAX.
    (km * 100.0).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn madrid_rome_programme_guide_example() {
        let km = haversine_km((40.4165, -3.70256), (41.89193, 12.51133));
        assert_eq!(round_km_2(km), 136_528, "{km}");
    }

    #[test]
    fn berlin_helsinki_current_tool() {
        let km = haversine_km((52.5170365, 13.3888599), (60.1674081, 24.9425473));
        assert_eq!(round_km_2(km), 110_617, "{km}");
    }

    #[test]
    fn symmetric() {
        let pairs = [
            ((40.4165, -3.70256), (41.89193, 12.51133)),
            ((-33.86, 151.2), (51.5, -0.12)),
            ((89.9, 0.0), (-89.9, 180.0)),
        ];
        for (a, b) in pairs {
            assert_eq!(haversine_km(a, b), haversine_km(b, a));
        }
    }

    #[test]
    fn zero_for_the_same_point() {
        assert_eq!(haversine_km((56.946, 24.10589), (56.946, 24.10589)), 0.0);
        assert_eq!(round_km_2(haversine_km((0.0, 0.0), (0.0, 0.0))), 0);
    }

    #[test]
    fn antipodes_are_half_the_circumference() {
        let half = PI * EARTH_RADIUS_KM;
        for (a, b) in [
            ((0.0, 0.0), (0.0, 180.0)),
            ((90.0, 0.0), (-90.0, 0.0)),
            ((40.4165, -3.70256), (-40.4165, 176.29744)),
        ] {
            let km = haversine_km(a, b);
            assert!((km - half).abs() < 1e-6, "{a:?} {b:?}: {km} vs {half}");
        }
    }

    #[test]
    fn across_the_antimeridian() {
        let km = haversine_km((0.0, 179.5), (0.0, -179.5));
        let one_degree = PI * EARTH_RADIUS_KM / 180.0;
        assert!((km - one_degree).abs() < 1e-9, "{km}");
        assert_eq!(round_km_2(km), 11_119);
    }

    #[test]
    fn rounding_half_away_from_zero_and_odd_input() {
        assert_eq!(round_km_2(0.005), 1);
        assert_eq!(round_km_2(0.004), 0);
        assert_eq!(round_km_2(12.345_000_1), 1235);
        assert_eq!(round_km_2(0.125), 13); // exactly 12.5 hundredths: away from zero
        assert_eq!(round_km_2(0.375), 38);
        assert_eq!(round_km_2(-3.0), 0);
        assert_eq!(round_km_2(f64::NAN), 0);
        assert_eq!(round_km_2(f64::INFINITY), u64::MAX);
        assert!(haversine_km((f64::NAN, 0.0), (0.0, 0.0)).is_nan());
    }
}
