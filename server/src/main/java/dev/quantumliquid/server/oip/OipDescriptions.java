package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.server.inference.ModelConfiguration;
import dev.quantumliquid.server.inference.ModelStatistics;
import dev.quantumliquid.server.repository.ServedModel;
import java.util.List;

/**
 * The JSON that describes models: OIP model metadata, Triton's model configuration and Triton's
 * statistics response.
 */
final class OipDescriptions {
    private OipDescriptions() {
    }

    /**
     * Model metadata: name, versions, platform, inputs and outputs with their shapes, and parameters
     * whose values are strings, numbers or booleans only (as the protocol requires): the output names
     * are one string holding a JSON array; a figure the model does not have is left out.
     */
    static ObjectNode metadata(ObjectNode root, String name, List<Long> versions, ServedModel served) {
        Model m = served.model();
        root.put("name", name);
        ArrayNode vs = root.putArray("versions");
        versions.forEach(v -> vs.add(Long.toString(v)));
        root.put("platform", ModelConfiguration.PLATFORM);
        ArrayNode in = root.putArray("inputs");
        ObjectNode x = in.addObject().put("name", OipCodec.INPUT).put("datatype", "FP32");
        x.putArray("shape").add(-1).add(-1).add(m.inputSize());
        ObjectNode dt = in.addObject().put("name", OipCodec.TIMESPANS).put("datatype", "FP32");
        dt.putArray("shape").add(-1).add(-1);
        dt.putObject("parameters").put("optional", true);
        ArrayNode out = root.putArray("outputs");
        ObjectNode y = out.addObject().put("name", OipCodec.OUTPUT).put("datatype", "FP32");
        y.putArray("shape").add(-1).add(-1).add(m.outputSize());
        if (m.hasCoherence()) {
            ObjectNode c = out.addObject().put("name", OipCodec.COHERENCE).put("datatype", "FP32");
            c.putArray("shape").add(-1).add(-1);
        }
        ObjectNode params = root.putObject("parameters");
        params.put("version", Long.toString(served.version()));
        params.put("description", m.info().description());
        params.put("output_names", ModelConfiguration.outputNamesText(m.info().outputNames()));
        params.put("sample_rate_hz", m.info().sampleRateHz());
        params.put("recurrent", m.stateSize() > 0);
        params.put("state_size", m.stateSize());
        params.put("quantum", m.hasCoherence());
        params.put("qubits", m.qubits());
        params.put("parameter_count", m.parameterCount());
        served.sparsity().ifPresent(s -> params.put("liquid_sparsity", s));
        served.power().ifPresent(p -> {
            params.put("power_microwatts", p.microwatts());
            params.put("energy_microjoules_per_step", p.microjoulesPerStep());
        });
        return root;
    }

    /** Triton's model configuration JSON. */
    static ObjectNode config(ObjectNode root, ModelConfiguration c) {
        root.put("name", c.name());
        root.put("platform", c.platform());
        root.put("backend", c.backend());
        root.put("max_batch_size", c.maxBatchSize());
        ArrayNode in = root.putArray("input");
        for (ModelConfiguration.Tensor t : c.inputs()) {
            ObjectNode o = in.addObject().put("name", t.name()).put("data_type", t.dataType()).put("format", "FORMAT_NONE");
            dims(o, t);
            o.put("is_shape_tensor", false).put("allow_ragged_batch", false).put("optional", t.optional());
        }
        ArrayNode out = root.putArray("output");
        for (ModelConfiguration.Tensor t : c.outputs()) {
            ObjectNode o = out.addObject().put("name", t.name()).put("data_type", t.dataType());
            dims(o, t);
            o.put("label_filename", "").put("is_shape_tensor", false);
        }
        c.sequenceIdleMicroseconds().ifPresent(us -> {
            ObjectNode s = root.putObject("sequence_batching");
            s.put("max_sequence_idle_microseconds", us);
            s.putArray("control_input");
            s.putArray("state");
        });
        ObjectNode params = root.putObject("parameters");
        c.parameters().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> params.putObject(e.getKey()).put("string_value", e.getValue()));
        return root;
    }

    private static void dims(ObjectNode o, ModelConfiguration.Tensor t) {
        ArrayNode d = o.putArray("dims");
        t.dims().forEach(d::add);
    }

    /** Triton's statistics response: {@code {"model_stats": [...]}}, one entry per version. */
    static ObjectNode statistics(ObjectNode root, List<ModelStatistics.Snapshot> versions) {
        ArrayNode list = root.putArray("model_stats");
        for (ModelStatistics.Snapshot s : versions) {
            ObjectNode m = list.addObject();
            m.put("name", s.name());
            m.put("version", Long.toString(s.version()));
            m.put("last_inference", s.lastInferenceMillis());
            m.put("inference_count", s.inferenceCount());
            m.put("execution_count", s.executionCount());
            ObjectNode st = m.putObject("inference_stats");
            stat(st, "success", s.success());
            stat(st, "fail", s.fail());
            stat(st, "queue", s.queue());
            stat(st, "compute_input", s.computeInput());
            stat(st, "compute_infer", s.computeInfer());
            stat(st, "compute_output", s.computeOutput());
            stat(st, "cache_hit", s.cacheHit());
            stat(st, "cache_miss", s.cacheMiss());
            m.putObject("response_stats");
            m.putArray("batch_stats");
            m.putArray("memory_usage");
        }
        return root;
    }

    private static void stat(ObjectNode o, String name, ModelStatistics.Stat s) {
        o.putObject(name).put("count", s.count()).put("ns", s.ns());
    }
}
