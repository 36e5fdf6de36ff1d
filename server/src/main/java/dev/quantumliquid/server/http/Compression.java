package dev.quantumliquid.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import io.helidon.http.encoding.ContentEncodingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * HTTP content codings {@code gzip} and {@code deflate} (zlib format, RFC 9110 section 8.4.1) for
 * request bodies ({@code Content-Encoding}) and responses ({@code Accept-Encoding}), done by the
 * JDK's java.util.zip and plugged into Helidon's content-encoding support. (Helidon publishes the
 * same two codings as modules, but not for the Helidon version the build uses.) The decoded size of
 * a request body is bounded where it is read ({@link JsonIo}: QLNN_MAX_BODY_BYTES).
 */
public final class Compression {
    /** The Content-Encoding values a request may have. */
    static final Set<String> CODINGS = Set.of("gzip", "x-gzip", "deflate", "identity");

    private Compression() {
    }

    /** The server's content codings: gzip (also {@code x-gzip}) and deflate; nothing discovered from the class path. */
    public static ContentEncodingContext context() {
        return ContentEncodingContext.builder().contentEncodingsDiscoverServices(false)
                .addContentEncoding(new Coding("gzip", Set.of("gzip", "x-gzip"), in -> {
                    try {
                        return new GZIPInputStream(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, out -> {
                    try {
                        return new GZIPOutputStream(out);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }))
                .addContentEncoding(new Coding("deflate", Set.of("deflate"), InflaterInputStream::new,
                        DeflaterOutputStream::new))
                .build();
    }

    private record Coding(String name, Set<String> ids, UnaryOperator<InputStream> decode, UnaryOperator<OutputStream> encode)
            implements ContentEncoding {
        @Override
        public String type() {
            return name;
        }

        @Override
        public boolean supportsEncoding() {
            return true;
        }

        @Override
        public boolean supportsDecoding() {
            return true;
        }

        @Override
        public ContentDecoder decoder() {
            return decode::apply;
        }

        @Override
        public ContentEncoder encoder() {
            return new ContentEncoder() {
                @Override
                public OutputStream apply(OutputStream out) {
                    return encode.apply(out);
                }

                @Override
                public void headers(WritableHeaders<?> headers) {
                    headers.set(HeaderNames.CONTENT_ENCODING, name);
                    headers.remove(HeaderNames.CONTENT_LENGTH);
                }
            };
        }
    }
}
