package dev.quantumliquid.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.quantumliquid.server.error.ServerException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonIoTest {
    private final JsonIo json = new JsonIo(1 << 20);

    @Test
    void bodyThatLooksLikeUtf32ButIsNotIsA400NotA500() {
        // Jazzer's finding: four bytes "\0\0\0{"-like make Jackson pick UTF-32, and the next code
        // point above U+10FFFF threw CharConversionException, which became a 500.
        byte[] body = new byte[] {(byte) 0x98, 0, 0, 0, 'p', 'u', 't', 's', '"', ':', '1', '}'};
        ServerException e = catchThrowableOfType(ServerException.class, () -> json.parseObject(body));
        assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
        assertThat(e.getMessage()).startsWith("body: not valid JSON (bad character encoding").doesNotContain("\n");
    }

    @Test
    void malformedJsonIsDescribedWithoutJacksonsInternals() {
        ServerException e = catchThrowableOfType(ServerException.class,
                () -> json.parseObject("{\"inputs\": [".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.getMessage()).isEqualTo("body: not valid JSON (Unexpected end-of-input: expected close marker for Array"
                + " (start marker at [line: 1, column: 12]) (line 1, column 13))");
        assertThat(e.getMessage()).doesNotContain("Source").doesNotContain("REDACTED").doesNotContain("StreamReadFeature");
    }

    @Test
    void validObjectParses() {
        assertThat(json.parseObject("{\"input\":[1,2]}".getBytes(StandardCharsets.UTF_8)).get("input").size()).isEqualTo(2);
    }
}
