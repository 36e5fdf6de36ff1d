package dev.quantumliquid.server.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.grpc.proto.InferParameter;
import dev.quantumliquid.server.grpc.proto.InferTensorContents;
import dev.quantumliquid.server.grpc.proto.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the gRPC infer request decoder in-process: requests mutated field by field and byte by byte
 * (what a client can put on the wire) decode, or are refused with a ServerException (a status with a
 * message), never anything else.
 */
class OipGrpcCodecFuzzTest {
    private static final String[] TYPES = {"FP32", "FP64", "FP16", "BF16", "INT8", "INT16", "INT32", "INT64", "UINT8",
        "UINT16", "UINT32", "UINT64", "BOOL", "BYTES", "", "fp32", "X".repeat(100)};
    private static final long[] DIMS = {-1, 0, 1, 2, 3, 4, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};

    private static ModelInferRequest valid() {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-1f).putFloat(2f);
        return ModelInferRequest.newBuilder().setModelName("m").setId("r")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(3).addShape(1))
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("timespans").setDatatype("FP32").addShape(3))
                .addRawInputContents(ByteString.copyFrom(b.flip()))
                .addRawInputContents(ByteString.copyFrom(new byte[12]))
                .putParameters("sequence_id", InferParameter.newBuilder().setInt64Param(7).build())
                .putParameters("sequence_start", InferParameter.newBuilder().setBoolParam(true).build())
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output"))
                .build();
    }

    private static ModelInferRequest mutateFields(ModelInferRequest v, SplittableRandom r) {
        ModelInferRequest.Builder b = v.toBuilder();
        for (int n = 1 + r.nextInt(3); n > 0; n--) {
            int i = r.nextInt(b.getInputsCount()); // every mutation keeps at least one input
            switch (r.nextInt(9)) {
                case 0 -> b.setInputs(i, b.getInputs(i).toBuilder().setDatatype(TYPES[r.nextInt(TYPES.length)]));
                case 1 -> {
                    var t = b.getInputs(i).toBuilder().clearShape();
                    for (int k = r.nextInt(5); k > 0; k--) {
                        t.addShape(DIMS[r.nextInt(DIMS.length)]);
                    }
                    b.setInputs(i, t);
                }
                case 2 -> b.clearRawInputContents().addRawInputContents(ByteString.copyFrom(new byte[r.nextInt(64)]));
                case 3 -> b.setInputs(i, b.getInputs(i).toBuilder().setContents(InferTensorContents.newBuilder()
                        .addFp32Contents(Float.NaN).addIntContents(r.nextInt()).addUint64Contents(r.nextLong())));
                case 4 -> b.putParameters(new String[] {"sequence_id", "sequence_end", "state", "timeout", "priority", "x"}[r.nextInt(6)],
                        switch (r.nextInt(4)) {
                            case 0 -> InferParameter.newBuilder().setInt64Param(r.nextLong()).build();
                            case 1 -> InferParameter.newBuilder().setUint64Param(r.nextLong()).build();
                            case 2 -> InferParameter.newBuilder().setStringParam("s".repeat(r.nextInt(200))).build();
                            default -> InferParameter.newBuilder().setBoolParam(r.nextBoolean()).build();
                        });
                case 5 -> b.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName(r.nextBoolean() ? "output" : "coherence")
                        .putParameters(r.nextBoolean() ? "classification" : "datatype",
                                r.nextBoolean() ? InferParameter.newBuilder().setInt64Param(r.nextInt(5) - 1).build()
                                        : InferParameter.newBuilder().setStringParam("FP64").build()));
                case 6 -> b.setModelName(new String[] {"", "..", "m/x", "m", "x".repeat(200)}[r.nextInt(5)]);
                case 7 -> b.setModelVersion(new String[] {"", "0", "1", "-1", "99999999999999999999", "v"}[r.nextInt(6)]);
                default -> b.addInputs(b.getInputs(0));
            }
        }
        return b.build();
    }

    private static void decode(ModelInferRequest req) {
        try {
            OipGrpcCodec.Parsed p = OipGrpcCodec.parse(req);
            assertThat(p.request().input().length).isPositive();
        } catch (ServerException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        } catch (RuntimeException e) {
            fail("request " + req + " threw " + e, e);
        }
    }

    @Test
    void mutatedRequestsDecodeOrAreRefusedWithAMessage() {
        SplittableRandom r = new SplittableRandom(20261204);
        ModelInferRequest v = valid();
        OipGrpcCodec.parse(v); // the starting point is valid
        byte[] wire = v.toByteArray();
        for (int i = 0; i < 20_000; i++) {
            decode(mutateFields(v, r));
            byte[] b = wire.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            try {
                decode(ModelInferRequest.parseFrom(b));
            } catch (InvalidProtocolBufferException notAMessage) {
                // refused by the transport's marshaller before any handler runs
            }
        }
    }
}
