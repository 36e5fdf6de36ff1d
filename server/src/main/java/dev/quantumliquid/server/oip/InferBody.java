package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.http.JsonIo;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * An infer request body as Triton's binary tensor data extension frames it: a JSON header of
 * {@code Inference-Header-Content-Length} bytes, then the inputs' binary data back to back (in the
 * order of the inputs that declare a {@code binary_data_size}). Without that header the whole body
 * is the JSON. The body was decompressed, if it came compressed, before it is split.
 *
 * @param header the JSON part
 * @param bytes the whole body
 * @param binaryStart where the binary part starts ({@code bytes.length} when there is none)
 */
record InferBody(ObjectNode header, byte[] bytes, int binaryStart) {
    static final HeaderName HEADER_LENGTH = HeaderNames.create("Inference-Header-Content-Length");

    static InferBody read(JsonIo json, ServerRequest req) {
        Optional<String> declared = req.headers().first(HEADER_LENGTH);
        byte[] body = json.readBytes(req, declared.isPresent());
        if (declared.isEmpty()) {
            if (body.length == 0) {
                throw ServerException.badRequest("body: empty (a JSON object expected)");
            }
            return new InferBody(json.parseObject(body), body, body.length);
        }
        int n = headerLength(declared.get(), body.length);
        return new InferBody(json.parseObject(body, 0, n), body, n);
    }

    private static int headerLength(String text, int bodyLength) {
        String shown = text.length() > 20 ? text.substring(0, 20) + "..." : text;
        int n;
        try {
            n = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw ServerException.badRequest("Inference-Header-Content-Length: must be an integer, got '" + shown + "'");
        }
        if (n < 1 || n > bodyLength) {
            throw ServerException.badRequest("Inference-Header-Content-Length: " + n + " is outside [1, " + bodyLength
                    + "] (the body's length)");
        }
        return n;
    }
}
