package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every POST example of the README and docs/SERVER.md runs as printed against the bundled model repository. */
class DocExamplesTest {
    // curl -s -XPOST localhost:8080<path> ... -d '<body>' (the body may span lines)
    private static final Pattern CURL = Pattern.compile("curl -s -XPOST localhost:8080(\\S+)[^']*?-H '[^']*'[\\s\\\\]*-d '([^']*)'");

    record Example(String doc, String path, String body) {
    }

    static List<Example> examples() throws IOException {
        List<Example> out = new ArrayList<>();
        for (String doc : List.of("../README.md", "../docs/SERVER.md")) {
            Matcher m = CURL.matcher(Files.readString(Path.of(doc)));
            while (m.find()) {
                out.add(new Example(doc, m.group(1), m.group(2)));
            }
        }
        return out;
    }

    @Test
    void everyPostExampleIsAnsweredWith200() throws IOException {
        List<Example> examples = examples();
        assertThat(examples).extracting(Example::doc).contains("../README.md", "../docs/SERVER.md");
        try (TestServer s = TestServer.start(Path.of("../models"), Map.of())) {
            for (Example e : examples) {
                Response r = s.post(e.path(), e.body());
                assertThat(r.status()).as(e.doc() + " " + e.path() + " " + e.body() + " -> " + r.body()).isEqualTo(200);
            }
        }
    }
}
