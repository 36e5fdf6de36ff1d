package dev.quantumliquid.server.http;

import dev.quantumliquid.server.tags.RequestTags;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.OptionalLong;

/**
 * Reading and writing JSON bodies: a request body must be JSON (else 415), at most
 * QLNN_MAX_BODY_BYTES (else 413, checked before and while reading), well-formed without duplicate
 * keys, within QLNN_MAX_JSON_DEPTH and QLNN_MAX_JSON_TOKENS (Jackson's stream constraints, checked
 * while parsing, so a hostile body costs no more than its limits) (else 400). The request tags keep
 * the body for its SHA-256, which a log line about the request may carry; the body itself never is
 * logged.
 */
public final class JsonIo {
    /** Longest string value or field name (state tokens are the longest legitimate strings). */
    static final int MAX_STRING_CHARS = 1 << 20;
    static final int MAX_NUMBER_CHARS = 64;

    private final ObjectMapper mapper;
    private final long maxBodyBytes;
    private final int maxDepth;
    private final long maxTokens;
    /** Parses bodies above {@link #INLINE_PARSE_BYTES} (empty: on the calling thread). */
    private final Optional<ExecutorService> parsers;

    /** Bodies up to this size are parsed on the request's own (virtual) thread. */
    static final int INLINE_PARSE_BYTES = 64 << 10;

    public JsonIo(long maxBodyBytes, int maxDepth, long maxTokens) {
        this(maxBodyBytes, maxDepth, maxTokens, Optional.empty());
    }

    /**
     * With {@code parsers}, larger bodies are parsed on those platform threads while the request's
     * virtual thread waits unmounted: parsing megabytes of JSON is CPU work that would otherwise hold
     * one of the few carrier threads for its whole duration, and health probes queue behind it.
     */
    public JsonIo(long maxBodyBytes, int maxDepth, long maxTokens, Optional<ExecutorService> parsers) {
        this.parsers = parsers;
        this.maxBodyBytes = maxBodyBytes;
        this.maxDepth = maxDepth;
        this.maxTokens = maxTokens;
        this.mapper = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).maxTokenCount(maxTokens)
                        .maxStringLength(MAX_STRING_CHARS).maxNameLength(256).maxNumberLength(MAX_NUMBER_CHARS)
                        .maxDocumentLength(maxBodyBytes).build())
                .build())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** With the default depth and token limits (tests, tools). */
    public JsonIo(long maxBodyBytes) {
        this(maxBodyBytes, 16, 4_000_000);
    }

    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** The request body as a JSON object. */
    public ObjectNode readObject(ServerRequest req) {
        return read(req, false).orElseThrow();
    }

    /** The body as a JSON object, or empty when there is no body (e.g. a bare POST to the index). */
    public Optional<ObjectNode> readOptionalObject(ServerRequest req) {
        return read(req, true);
    }

    private Optional<ObjectNode> read(ServerRequest req, boolean emptyAllowed) {
        byte[] body = readBytes(req, false);
        if (body.length == 0) {
            if (emptyAllowed) {
                return Optional.empty();
            }
            throw ServerException.badRequest("body: empty (a JSON object expected)");
        }
        return Optional.of(parseObject(body));
    }

    /**
     * The request body's bytes (decompressed when it came with a Content-Encoding), at most
     * QLNN_MAX_BODY_BYTES (413), of a JSON media type or none, or also application/octet-stream when
     * {@code binaryAllowed} (415 otherwise): the reading half of {@link #readObject}.
     */
    public byte[] readBytes(ServerRequest req, boolean binaryAllowed) {
        // The usual value is compared as it came; anything else is parsed as a media type (parameters, +json, case).
        Optional<String> raw = req.headers().first(HeaderNames.CONTENT_TYPE);
        Optional<HttpMediaType> type = raw.isEmpty() || raw.get().equals("application/json") ? Optional.empty()
                : req.headers().contentType();
        if (type.isPresent() && !isJson(type.get()) && !(binaryAllowed && isOctetStream(type.get()))) {
            throw new ServerException(Kind.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json"
                    + (binaryAllowed ? " or application/octet-stream" : "") + ", got '" + type.get().mediaType().text() + "'");
        }
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            throw tooLarge(declared.getAsLong() + " bytes");
        }
        byte[] body = readLimited(req);
        ReadDeadlines.bodyRead(req);
        RequestTags.of(req).body(body);
        return body;
    }

    /** A body's bytes as a JSON object within the limits (400 otherwise): the parsing half of {@link #readObject}. */
    public ObjectNode parseObject(byte[] body) {
        return parseObject(body, 0, body.length);
    }

    /** {@code body[offset, offset + length)} as a JSON object within the limits (400 otherwise). */
    public ObjectNode parseObject(byte[] body, int offset, int length) {
        if (length <= INLINE_PARSE_BYTES || parsers.isEmpty()) {
            return parseHere(body, offset, length);
        }
        Future<ObjectNode> f = parsers.get().submit(() -> parseHere(body, offset, length));
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ServerException(Kind.NOT_READY, "request interrupted (server stopping)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private ObjectNode parseHere(byte[] body, int offset, int length) {
        JsonNode n;
        try {
            n = mapper.readTree(body, offset, length);
        } catch (StreamConstraintsException e) {
            throw ServerException.badRequest("body: " + constraint(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw ServerException.badRequest("body: not valid JSON (" + Json.parseError(e) + ")");
        } catch (CharConversionException e) {
            // Jackson guesses the encoding from the first bytes (UTF-8/16/32); a body that looks like
            // UTF-32 but is not is the client's error: a 400, never a 500.
            throw ServerException.badRequest("body: not valid JSON (bad character encoding: " + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n == null || !n.isObject()) {
            throw ServerException.badRequest("body: must be a JSON object");
        }
        return (ObjectNode) n;
    }

    /** Which limit a body broke, named as the setting that sets it. */
    private String constraint(String jackson) {
        String m = jackson == null ? "" : jackson.toLowerCase(Locale.ROOT);
        if (m.contains("nesting depth")) {
            return "JSON nested deeper than QLNN_MAX_JSON_DEPTH=" + maxDepth;
        }
        if (m.contains("token count")) {
            return "more JSON tokens than QLNN_MAX_JSON_TOKENS=" + maxTokens;
        }
        if (m.contains("number value length")) {
            return "a number longer than " + MAX_NUMBER_CHARS + " characters";
        }
        if (m.contains("name length")) {
            return "a field name longer than 256 characters";
        }
        if (m.contains("string value length")) {
            return "a string longer than " + MAX_STRING_CHARS + " characters";
        }
        return "JSON beyond a parser limit";
    }

    private byte[] readLimited(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        // At most maxBodyBytes, checked by the caller; of the compressed bytes when the body is encoded.
        OptionalLong declared = req.headers().contentLength();
        Optional<String> encoding = req.headers().first(HeaderNames.CONTENT_ENCODING)
                .filter(e -> !e.equalsIgnoreCase("identity"));
        try (InputStream in = req.content().inputStream()) {
            // readNBytes grows its buffers with the bytes received: a client announcing 8 MiB and sending one byte costs one byte
            if (declared.isPresent() && encoding.isEmpty()) {
                return in.readNBytes((int) declared.getAsLong());
            }
            byte[] all = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (all.length > maxBodyBytes) {
                throw tooLarge("more than that");
            }
            return all;
        } catch (IOException e) {
            if (encoding.isPresent()) { // the decoder found the bytes are not what the header says (ZipException, EOF)
                throw ServerException.badRequest("body: not valid " + encoding.get() + " data (Content-Encoding: "
                        + encoding.get() + "): " + e.getMessage());
            }
            throw ServerException.badRequest("body: the connection ended before the body was complete");
        } catch (UncheckedIOException e) {
            throw ServerException.badRequest("body: the connection ended before the body was complete");
        } catch (NumberFormatException e) { // the web server's chunked decoding, given a chunk size that is not hex
            throw ServerException.badRequest("body: malformed chunked encoding (a chunk size that is not a hex number)");
        }
    }

    private ServerException tooLarge(String got) {
        return new ServerException(Kind.TOO_LARGE, "body: larger than QLNN_MAX_BODY_BYTES=" + maxBodyBytes + " (" + got + ")");
    }

    private static boolean isOctetStream(HttpMediaType t) {
        return t.mediaType().type().equalsIgnoreCase("application") && t.mediaType().subtype().equalsIgnoreCase("octet-stream");
    }

    private static boolean isJson(HttpMediaType t) {
        String type = t.mediaType().type();
        String sub = t.mediaType().subtype();
        return type.equalsIgnoreCase("application") && (sub.equalsIgnoreCase("json") || sub.toLowerCase().endsWith("+json"));
    }

    public void send(ServerResponse res, JsonNode body) {
        send(res, Status.OK_200, body);
    }

    public byte[] bytes(JsonNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /** A JSON body written token by token (the hot inference responses: no tree is built, then walked). */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** Sends 200 with a body that {@code writer} generates; the bytes are those of the same content built as a tree. */
    public void send(ServerResponse res, Writer writer) {
        sendBytes(res, write(writer));
    }

    /** The bytes {@code writer} generates. */
    public byte[] write(Writer writer) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON body", e);
        }
        return out.toByteArray();
    }

    /** Sends 200 with JSON already written. */
    public void sendBytes(ServerResponse res, byte[] body) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    public void send(ServerResponse res, Status status, JsonNode body) {
        byte[] bytes = bytes(body);
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes);
    }
}
