package dev.quantumliquid.server.repository;

import dev.quantumliquid.server.error.ServerException;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Model and version names: [A-Za-z0-9._-], at most 128 characters; a version is a positive integer. */
public final class Names {
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

    private Names() {
    }

    /** What {@code [A-Za-z0-9._-]{1,128}} matches, except "." and ".."; a loop, as every request checks a name. */
    public static boolean isValidName(String s) {
        int n = s.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return !s.equals(".") && !s.equals("..");
    }

    /** A version folder name as a number; empty for a folder that is not a version (ignored). */
    public static OptionalLong parseVersion(String s) {
        return VERSION.matcher(s).matches() ? OptionalLong.of(Long.parseLong(s)) : OptionalLong.empty();
    }

    /** A model name from a request; 400 when it has characters outside the allowed set. */
    public static String requireName(String field, String s) {
        if (!isValidName(s)) {
            throw ServerException.badRequest(field + ": '" + abbreviate(s) + "' is not a valid name ([A-Za-z0-9._-], at most 128)");
        }
        return s;
    }

    /** A version from a request: 400 for a bad name, 404 for a name that cannot be a version. */
    public static long requireVersion(String model, String s) {
        requireName("version", s);
        OptionalLong v = parseVersion(s);
        if (v.isEmpty()) {
            throw ServerException.notFound("model '" + model + "' has no version '" + s + "' (versions are positive integers)");
        }
        return v.getAsLong();
    }

    static String abbreviate(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder b = new StringBuilder();
        t.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append('?');
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
