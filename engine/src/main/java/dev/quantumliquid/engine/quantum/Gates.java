package dev.quantumliquid.engine.quantum;

/**
 * The single-qubit gates of spec section 4 as 2x2 complex matrices, flattened to double[8] =
 * {u00.re, u00.im, u01.re, u01.im, u10.re, u10.im, u11.re, u11.im} (row-major, u_rc acts as
 * new_r = sum_c u_rc * old_c).
 */
final class Gates {
    static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private Gates() {
    }

    static double[] h() {
        return new double[] {INV_SQRT2, 0, INV_SQRT2, 0, INV_SQRT2, 0, -INV_SQRT2, 0};
    }

    /** RY(t) = [[cos t/2, -sin t/2], [sin t/2, cos t/2]]. */
    static double[] ry(double t) {
        double c = Math.cos(t / 2);
        double s = Math.sin(t / 2);
        return new double[] {c, 0, -s, 0, s, 0, c, 0};
    }

    /** RZ(t) = diag(e^{-it/2}, e^{it/2}). */
    static double[] rz(double t) {
        double c = Math.cos(t / 2);
        double s = Math.sin(t / 2);
        return new double[] {c, -s, 0, 0, 0, 0, c, s};
    }

    /** Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi): RZ(phi) acts first. */
    static double[] rot(double phi, double theta, double omega) {
        return mul(rz(omega), mul(ry(theta), rz(phi)));
    }

    /** The matrix product a b (b acts first). */
    static double[] mul(double[] a, double[] b) {
        double[] c = new double[8];
        for (int r = 0; r < 2; r++) {
            for (int col = 0; col < 2; col++) {
                double re = 0;
                double im = 0;
                for (int k = 0; k < 2; k++) {
                    int ia = 4 * r + 2 * k;
                    int ib = 4 * k + 2 * col;
                    re += a[ia] * b[ib] - a[ia + 1] * b[ib + 1];
                    im += a[ia] * b[ib + 1] + a[ia + 1] * b[ib];
                }
                c[4 * r + 2 * col] = re;
                c[4 * r + 2 * col + 1] = im;
            }
        }
        return c;
    }

    /** Elementwise complex conjugate (not transposed): the factor a gate applies to a density matrix's columns. */
    static double[] conj(double[] u) {
        double[] c = u.clone();
        for (int i = 1; i < 8; i += 2) {
            c[i] = -c[i];
        }
        return c;
    }

    /** The conjugate transpose. */
    static double[] dagger(double[] u) {
        return new double[] {u[0], -u[1], u[4], -u[5], u[2], -u[3], u[6], -u[7]};
    }
}
