package dev.quantumliquid.cli;

import java.io.Console;

/** Whether the command talks to a person at a terminal (then live, human progress lines). */
final class Terminal {
    private Terminal() {
    }

    /**
     * True when standard input and output are a terminal. JDK 22+ return a console even when the
     * streams are redirected and say which with {@code Console.isTerminal()}; JDK 21 returns a
     * console only for a terminal and lacks the method.
     */
    static boolean interactive() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
