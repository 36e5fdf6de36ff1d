package dev.quantumliquid.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.engine.EngineException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    /** A safetensors file made of this header text and this many zero data bytes. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length);
        b.put(h);
        return b.array();
    }

    static byte[] withHeaderLength(byte[] bytes, long headerLen) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerLen);
        return copy;
    }

    static byte[] valid() {
        return SafeTensors.serialize(List.of(
                Tensor.f32("w", new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, Float.MIN_VALUE, -0f}),
                Tensor.f64("b", new int[] {2}, new double[] {Math.PI, -1e300}),
                Tensor.f32("s", new int[] {}, new float[] {7})), Map.of("format", "pt"));
    }

    @Test
    void roundTripKeepsNamesOrderShapesDtypesValuesAndMetadata() {
        byte[] bytes = valid();
        TensorFile f = SafeTensors.parse("t.safetensors", bytes);
        assertThat(f.names()).containsExactly("w", "b", "s");
        assertThat(f.metadata()).containsExactlyEntriesOf(Map.of("format", "pt"));
        Tensor w = f.require("w", 2, 3);
        assertThat(w.dtype()).isEqualTo(DType.F32);
        assertThat(w.toFloatArray()).containsExactly(1, -2, 3.5f, 0, Float.MIN_VALUE, -0f);
        assertThat(Float.floatToRawIntBits(w.toFloatArray()[5])).isEqualTo(Float.floatToRawIntBits(-0f));
        Tensor b = f.require("b", 2);
        assertThat(b.dtype()).isEqualTo(DType.F64);
        assertThat(b.toDoubleArray()).containsExactly(Math.PI, -1e300);
        assertThat(f.require("s").shape()).isEmpty();
        assertThat(f.require("s").get(0)).isEqualTo(7.0);
        // Serialising the parsed file again gives the same bytes.
        assertThat(SafeTensors.serialize(f.tensors().values(), f.metadata())).isEqualTo(bytes);
        // The data section is 8-byte aligned, as the reference writer does.
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
    }

    @Test
    void roundTripThroughDisk(@TempDir Path dir) {
        Path p = dir.resolve("x.safetensors");
        SafeTensors.write(p, List.of(Tensor.f32("a", new int[] {1}, new float[] {3})), Map.of());
        assertThat(SafeTensors.read(p).require("a", 1).get(0)).isEqualTo(3.0);
        assertThat(SafeTensors.read(p).label()).isEqualTo("x.safetensors");
    }

    @Test
    void emptyFileAndFilesShorterThanTheLengthFieldAreTruncated() {
        for (int n = 0; n < 8; n++) {
            byte[] b = Arrays.copyOf(valid(), n);
            assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", b))
                    .isInstanceOf(EngineException.class)
                    .hasMessage("t.safetensors: truncated: " + n + " bytes, a safetensors file needs at least 8");
        }
    }

    @Test
    void headerCutShortIsRefusedNamingTheLengths() {
        byte[] full = valid();
        long headerLen = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] cut = Arrays.copyOf(full, 8 + (int) headerLen / 2);
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", cut))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("t.safetensors: header length " + headerLen + " exceeds the "
                        + (cut.length - 8) + " bytes after the length field");
    }

    @Test
    void dataCutShortIsRefusedNamingTheTensor() {
        byte[] full = valid();
        byte[] cut = Arrays.copyOf(full, full.length - 4);
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", cut))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("t.safetensors: tensor 's'")
                .hasMessageContaining("data_offsets [40, 44] out of range of the 40-byte data section");
    }

    @Test
    void headerLengthLargerThanTheFileIsRefused() {
        byte[] b = withHeaderLength(valid(), 1_000_000);
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", b))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("t.safetensors: header length 1000000 exceeds the " + (b.length - 8));
    }

    @Test
    void absurdHeaderLengthsAreRefusedBeforeAnyAllocation() {
        for (long lie : new long[] {-1L, Long.MIN_VALUE, 1L << 40, SafeTensors.MAX_HEADER_BYTES + 1, 0, 1}) {
            byte[] b = withHeaderLength(valid(), lie);
            assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", b))
                    .isInstanceOf(EngineException.class)
                    .hasMessage("t.safetensors: header length " + Long.toUnsignedString(lie) + " is outside 2.."
                            + SafeTensors.MAX_HEADER_BYTES);
        }
    }

    @Test
    void headerThatIsNotJsonOrNotAnObjectIsRefused() {
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("{\"a\": ", 0)))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("t.safetensors: header is not valid JSON");
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("[1, 2]", 0)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: header must be a JSON object");
    }

    @Test
    void overlappingOffsetsNameBothTensors() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(h, 12)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: tensor 'b' bytes [4, 12) overlap tensor 'a' bytes [0, 8)");
    }

    @Test
    void twoTensorsOnTheSameBytesOverlap() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(h, 8)))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("overlap tensor");
    }

    @Test
    void outOfRangeOffsetsAreRefused() {
        String past = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(past, 8)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: tensor 'a': data_offsets [8, 16] out of range of the 8-byte data section");
        String backwards = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(backwards, 8)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: tensor 'a': data_offsets [8, 0] out of range of the 8-byte data section");
        String negative = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(negative, 8)))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("tensor 'a': data_offsets [-8, 0] out of range");
    }

    @Test
    void offsetsBeyondSixtyFourBitsDoNotWrapAround() {
        // 2^64 and 2^64 + 8 would read as 0 and 8 if narrowed to long.
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[18446744073709551616,18446744073709551624]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(h, 8)))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("t.safetensors: tensor 'a': data_offsets")
                .hasMessageContaining("18446744073709551616");
    }

    @Test
    void offsetSpanMustMatchTheShape() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(h, 8)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: tensor 'a': data_offsets span 8 bytes, but F32 [3] needs 12");
    }

    @Test
    void holeInTheDataIsRefused() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(h, 12)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: bytes [4, 8) of the data are not covered by any tensor (holes are not allowed)");
    }

    @Test
    void trailingBytesAfterTheLastTensorAreRefused() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(h, 6)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: data section is 6 bytes but the tensors cover 4 (trailing or missing bytes)");
    }

    @Test
    void unknownDtypeNamesTheTensorAndTheChoices() {
        String h = "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(h, 4)))
                .isInstanceOf(EngineException.class)
                .hasMessage("t.safetensors: tensor 'a': unsupported dtype 'BF16' (expected F32 or F64)");
    }

    @Test
    void malformedEntriesNameTheTensorAndTheField() {
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4)))
                .hasMessage("t.safetensors: tensor 'a': missing dtype");
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4)))
                .hasMessage("t.safetensors: tensor 'a': missing shape array");
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)))
                .hasMessageStartingWith("t.safetensors: tensor 'a': shape dimension 0 is -1");
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4)))
                .hasMessage("t.safetensors: tensor 'a': data_offsets must be [begin, end]");
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,4]}}", 4)))
                .hasMessageContaining("t.safetensors: tensor 'a': shape [65536, 65536, 65536, 65536")
                .hasMessageContaining("overflows");
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("{\"a\":7}", 0)))
                .hasMessageStartingWith("t.safetensors: tensor 'a': header entry must be an object");
        assertThatThrownBy(() -> SafeTensors.parse("t.safetensors", file("{\"__metadata__\":{\"k\":1}}", 0)))
                .hasMessage("t.safetensors: __metadata__ entry 'k' must be a string");
    }

    @Test
    void missingTensorNamesTheFileTheTensorAndTheExpectedShape() {
        TensorFile f = SafeTensors.parse("w.safetensors", valid());
        assertThatThrownBy(() -> f.require("nope"))
                .isInstanceOf(EngineException.class)
                .hasMessage("w.safetensors: missing tensor 'nope'");
        assertThatThrownBy(() -> f.require("nope", 4, 5))
                .isInstanceOf(EngineException.class)
                .hasMessage("w.safetensors: missing tensor 'nope' (expected shape [4, 5])");
    }

    @Test
    void shapeMismatchNamesExpectedAndActual() {
        TensorFile f = SafeTensors.parse("w.safetensors", valid());
        assertThatThrownBy(() -> f.require("w", 3, 2))
                .isInstanceOf(EngineException.class)
                .hasMessage("w.safetensors: tensor 'w' has shape [2, 3], expected [3, 2]");
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheIndex() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            byte[] b = SafeTensors.serialize(List.of(Tensor.f32("w", new int[] {3}, new float[] {0, 1, bad})), Map.of());
            TensorFile f = SafeTensors.parse("w.safetensors", b);
            assertThatThrownBy(() -> f.require("w", 3))
                    .isInstanceOf(EngineException.class)
                    .hasMessage("w.safetensors: tensor 'w' holds " + (double) bad + " at flat index 2 (weights must be finite)");
        }
    }

    @Test
    void unreadableFileNamesIt(@TempDir Path dir) {
        assertThatThrownBy(() -> SafeTensors.read(dir.resolve("gone.safetensors")))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("gone.safetensors: cannot read");
    }

    @Test
    void zeroSizedTensorsParse() {
        String h = "{\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        TensorFile f = SafeTensors.parse("t.safetensors", file(h, 4));
        assertThat(f.require("e").size()).isZero();
        assertThat(f.require("a", 1).get(0)).isEqualTo(0.0);
    }
}
