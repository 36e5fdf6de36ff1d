package dev.quantumliquid.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What is derived from a list of setting descriptors: effective values, the start-up echo and the documentation table. */
public final class Settings {
    /** Shown instead of a secret's value. */
    public static final String REDACTED = "<redacted>";
    /** Credentials in a URL ({@code https://user:password@host}). */
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/?#@\\s]*@");

    private Settings() {
    }

    /** The descriptors of several concerns, in order. */
    @SafeVarargs
    public static List<Setting<?>> concat(List<Setting<?>>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    /** Every setting's value as the server understood it, written back as text (reading them again gives the same values). */
    public static Map<String, String> effective(List<Setting<?>> settings, PropertySource source) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            m.put(s.name(), s.effective(source));
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The settings as they may be logged: a secret's value is {@value #REDACTED}, and credentials
     * written into a URL are removed from any value.
     */
    public static Map<String, String> echo(List<Setting<?>> settings, Map<String, String> effective) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            String v = effective.getOrDefault(s.name(), "");
            m.put(s.name(), s.secret() && !v.isEmpty() ? REDACTED : URL_USER_INFO.matcher(v).replaceAll(REDACTED + "@"));
        }
        return Collections.unmodifiableMap(m);
    }

    /** The README's table: variable, flag, default and meaning of every setting, one row each. */
    public static String markdownTable(List<Setting<?>> settings) {
        StringBuilder b = new StringBuilder("| variable | flag | default | meaning |\n|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            b.append("| `").append(s.name()).append("` | ").append(s.flag().map(f -> "`" + f + "`").orElse(""))
                    .append(" | ").append(s.documentedDefault()).append(" | ").append(s.doc()).append(" |\n");
        }
        return b.toString();
    }
}
