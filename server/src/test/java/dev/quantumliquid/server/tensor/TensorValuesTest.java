package dev.quantumliquid.server.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.error.ServerException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorValuesTest {
    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float[] raw(TensorDatatype t, ByteBuffer b, int count) {
        return TensorValues.fromRaw("input", t, b.array(), 0, b.capacity(), count);
    }

    @Test
    void everyNumericDatatypeDecodesFromLittleEndianBytes() {
        assertThat(raw(TensorDatatype.FP32, le(8).putFloat(1.5f).putFloat(-2.25f), 2)).containsExactly(1.5f, -2.25f);
        assertThat(raw(TensorDatatype.FP64, le(16).putDouble(0.1).putDouble(-3), 2)).containsExactly(0.1f, -3f);
        assertThat(raw(TensorDatatype.FP16, le(4).putShort((short) 0x3C00).putShort((short) 0xC500), 2))
                .containsExactly(1f, -5f); // IEEE half: 0x3C00 = 1, 0xC500 = -5
        assertThat(raw(TensorDatatype.BF16, le(4).putShort((short) 0x3FC0).putShort((short) 0xBF80), 2))
                .containsExactly(1.5f, -1f); // bfloat16 = the high half of a float32
        assertThat(raw(TensorDatatype.INT8, le(2).put((byte) -128).put((byte) 127), 2)).containsExactly(-128f, 127f);
        assertThat(raw(TensorDatatype.UINT8, le(2).put((byte) 0xFF).put((byte) 1), 2)).containsExactly(255f, 1f);
        assertThat(raw(TensorDatatype.INT16, le(2).putShort((short) -300), 1)).containsExactly(-300f);
        assertThat(raw(TensorDatatype.UINT16, le(2).putShort((short) 0xFFFF), 1)).containsExactly(65535f);
        assertThat(raw(TensorDatatype.INT32, le(4).putInt(-70000), 1)).containsExactly(-70000f);
        assertThat(raw(TensorDatatype.UINT32, le(4).putInt(-1), 1)).containsExactly(4294967295f);
        assertThat(raw(TensorDatatype.INT64, le(8).putLong(-5), 1)).containsExactly(-5f);
        assertThat(raw(TensorDatatype.UINT64, le(8).putLong(-1), 1)).containsExactly(0x1p64f);
    }

    @Test
    void rawDataOfTheWrongLengthIsRefusedNamingTheTensor() {
        assertThatThrownBy(() -> TensorValues.fromRaw("timespans", TensorDatatype.FP64, new byte[12], 0, 12, 2))
                .isInstanceOf(ServerException.class)
                .hasMessage("timespans: binary data of 12 bytes, 2 FP64 values take 16");
    }

    @Test
    void valuesThatAreNotFiniteFloat32AreRefusedNamingTheTensorAndIndex() {
        assertThatThrownBy(() -> raw(TensorDatatype.FP64, le(16).putDouble(1).putDouble(1e300), 2))
                .hasMessage("input: value 1 (1.0E300) is not a finite float32");
        assertThatThrownBy(() -> raw(TensorDatatype.FP32, le(4).putFloat(Float.NaN), 1))
                .hasMessage("input: value 0 (NaN) is not a finite float32");
        assertThatThrownBy(() -> raw(TensorDatatype.FP16, le(2).putShort((short) 0x7C00), 1))
                .hasMessage("input: value 0 (Infinity) is not a finite float32");
        assertThatThrownBy(() -> TensorValues.fromDouble("input", TensorDatatype.FP64, 3, -1e39))
                .hasMessage("input: value 3 (-1.0E39) is not a finite float32");
        assertThatThrownBy(() -> TensorValues.fromDouble("input", TensorDatatype.FP16, 0, 70000))
                .hasMessage("input: value 0 (70000) is outside the FP16 range");
    }

    @Test
    void typedIntegersMustBeIntegersInTheirDatatypesRange() {
        assertThat(TensorValues.fromDouble("input", TensorDatatype.INT8, 0, -128)).isEqualTo(-128f);
        assertThat(TensorValues.fromDouble("input", TensorDatatype.UINT16, 0, 65535)).isEqualTo(65535f);
        assertThatThrownBy(() -> TensorValues.fromDouble("input", TensorDatatype.INT8, 2, 128))
                .hasMessage("input: value 2 (128) is not a INT8 (an integer in [-128, 127])");
        assertThatThrownBy(() -> TensorValues.fromDouble("input", TensorDatatype.UINT8, 0, -1))
                .hasMessage("input: value 0 (-1) is not a UINT8 (an integer in [0, 255])");
        assertThatThrownBy(() -> TensorValues.fromDouble("input", TensorDatatype.INT32, 0, 0.5))
                .hasMessage("input: value 0 (0.5) is not a INT32 (an integer in [-2147483648, 2147483647])");
        assertThat(TensorValues.fromLong("input", TensorDatatype.UINT64, 0, -1, true)).isEqualTo(0x1p64f);
        assertThat(TensorValues.fromLong("input", TensorDatatype.INT64, 0, Long.MIN_VALUE, false)).isEqualTo(-0x1p63f);
        assertThatThrownBy(() -> TensorValues.fromLong("input", TensorDatatype.INT64, 0, -1, true))
                .hasMessage("input: value 0 (18446744073709551615) is not a INT64 (an integer in [-9223372036854775808, "
                        + "9223372036854775807])");
        assertThatThrownBy(() -> TensorValues.fromLong("input", TensorDatatype.UINT32, 1, -1, false))
                .hasMessage("input: value 1 (-1) is not a UINT32 (an integer in [0, 4294967295])");
        assertThat(TensorValues.fromLong("input", TensorDatatype.FP32, 0, 7, false)).isEqualTo(7f);
    }

    @Test
    void datatypeNamesAreCheckedNamingTheTensor() {
        assertThat(TensorDatatype.parseNumeric("input", "BF16")).isEqualTo(TensorDatatype.BF16);
        assertThatThrownBy(() -> TensorDatatype.parseNumeric("input", "BYTES"))
                .hasMessage("input.datatype: BYTES is not supported (one of UINT8, UINT16, UINT32, UINT64, INT8, INT16, "
                        + "INT32, INT64, FP16, BF16, FP32, FP64)");
        assertThatThrownBy(() -> TensorDatatype.parseNumeric("timespans", "float32"))
                .hasMessageStartingWith("timespans.datatype: unknown datatype 'float32' (one of ");
    }

    @Test
    void float32OutputsEncodeAsFp32AndExactlyAsFp64() {
        float[] v = {0.1f, -7.25f};
        ByteBuffer b32 = ByteBuffer.wrap(TensorValues.toRaw(TensorDatatype.FP32, v)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b32.capacity()).isEqualTo(8);
        assertThat(b32.getFloat(0)).isEqualTo(0.1f);
        ByteBuffer b64 = ByteBuffer.wrap(TensorValues.toRaw(TensorDatatype.FP64, v)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b64.capacity()).isEqualTo(16);
        assertThat(b64.getDouble(0)).isEqualTo((double) 0.1f);
        assertThat(b64.getDouble(8)).isEqualTo(-7.25);
    }

    @Test
    void bytesElementsCarryALittleEndianLengthPrefix() {
        byte[] raw = TensorValues.bytesToRaw(List.of("ab", "é"));
        assertThat(raw).containsExactly(2, 0, 0, 0, 'a', 'b', 2, 0, 0, 0, (byte) 0xC3, (byte) 0xA9);
    }
}
