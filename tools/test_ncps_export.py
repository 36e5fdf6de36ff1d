"""Tests of tools/ncps_export.py that need neither torch nor ncps: the hand-written safetensors
writer (read back with a tiny reader) and spec.json built from stand-ins for ncps modules.

Run from the repository root or from tools/: python3 -m unittest tools/test_ncps_export.py
"""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ncps_export  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engine", "src", "test", "resources",
                        "fixtures", "ncps")


def read_safetensors(data):
    """Tiny reader: ({name: (dtype, shape, values)}, metadata)."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        fmt = {"F32": "f", "F64": "d"}[e["dtype"]]
        size = struct.calcsize(fmt)
        out[name] = (e["dtype"], e["shape"], list(struct.unpack(f"<{(end - b) // size}{fmt}", body[b:end])))
    return out, meta


class SafetensorsWriterTest(unittest.TestCase):
    def test_round_trip(self):
        tensors = {"b.bias": ([3], [0.5, -1.0, 2.25]), "a.weight": ([2, 2], [1.0, 2.0, 3.0, 4.0]),
                   "scalar": ([], [7.0]), "empty": ([0, 4], [])}
        data = ncps_export.safetensors_bytes(tensors, {"format": "ncps-torch-state-dict"})
        (n,) = struct.unpack("<Q", data[:8])
        self.assertEqual(n % 8, 0, "header padded to 8 bytes")
        got, meta = read_safetensors(data)
        self.assertEqual(meta, {"format": "ncps-torch-state-dict"})
        self.assertEqual(set(got), set(tensors))
        for name, (shape, values) in tensors.items():
            self.assertEqual(got[name][0], "F32")
            self.assertEqual(got[name][1], shape)
            self.assertEqual(got[name][2], values)
        # data laid out in name order, back to back, covering the whole body
        header = json.loads(data[8:8 + n])
        offsets = [header[k]["data_offsets"] for k in sorted(tensors)]
        self.assertEqual(offsets[0][0], 0)
        for (_, e), (b, _) in zip(offsets, offsets[1:]):
            self.assertEqual(e, b)
        self.assertEqual(offsets[-1][1], len(data) - 8 - n)

    def test_values_are_rounded_to_float32(self):
        got, _ = read_safetensors(ncps_export.safetensors_bytes({"x": ([1], [0.1])}))
        self.assertEqual(got["x"][2][0], struct.unpack("<f", struct.pack("<f", 0.1))[0])
        self.assertNotEqual(got["x"][2][0], 0.1)

    def test_packed_bytes_are_taken_as_they_are(self):
        blob = struct.pack("<2f", 1.5, -2.5)
        got, _ = read_safetensors(ncps_export.safetensors_bytes({"x": ([2], blob)}))
        self.assertEqual(got["x"][2], [1.5, -2.5])
        with self.assertRaisesRegex(ncps_export.ExportError, "needs 12 bytes, got 8"):
            ncps_export.safetensors_bytes({"x": ([3], blob)})

    def test_refusals_name_the_tensor(self):
        with self.assertRaisesRegex(ncps_export.ExportError, "tensor 'w': shape \\[2, 2\\] needs 4 values, got 3"):
            ncps_export.safetensors_bytes({"w": ([2, 2], [1.0, 2.0, 3.0])})
        for bad in (math.nan, math.inf, 1e39):
            with self.assertRaisesRegex(ncps_export.ExportError, "tensor 'w': value .* at flat index 1"):
                ncps_export.safetensors_bytes({"w": ([2], [1.0, bad])})

    def test_rewriting_a_fixture_keeps_every_tensor(self):
        path = os.path.join(FIXTURES, "ltc_autoncp_20_28_4", "weights.safetensors")
        with open(path, "rb") as f:
            original, meta = read_safetensors(f.read())
        again, meta2 = read_safetensors(ncps_export.safetensors_bytes(
            {k: (shape, values) for k, (_, shape, values) in original.items()}, meta))
        self.assertEqual(meta2, meta)
        self.assertEqual(again, original)

    def test_write_is_atomic_and_leaves_no_temp_file(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "w.safetensors")
            ncps_export.write_safetensors(p, {"x": ([1], [1.0])})
            self.assertEqual(os.listdir(d), ["w.safetensors"])
            with open(p, "rb") as f:
                self.assertEqual(read_safetensors(f.read())[0]["x"][2], [1.0])


# Stand-ins with the attribute names of ncps 1.0.1 (torch), enough for module_spec.
class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class AutoNCP:
    def __init__(self, w):
        self.units, self.output_dim, self.input_dim = w["units"], w["output_dim"], w["input_dim"]
        self.adjacency_matrix, self.sensory_adjacency_matrix = w["adjacency_matrix"], w["sensory_adjacency_matrix"]
        self.num_layers, self._layers, self._params = w["num_layers"], w["layers"], w["params"]

    def get_neurons_of_layer(self, i):
        return self._layers[i]

    def get_config(self):
        return dict(self._params, seed=22222)


class LTC(Obj):
    pass


class CfC(Obj):
    pass


class LeCun(Obj):
    pass


class SiLU(Obj):
    pass


class Linear(Obj):
    pass


class Dropout(Obj):
    pass


class WiredCfCCell(Obj):
    pass


def fixture_spec(name):
    with open(os.path.join(FIXTURES, name, "spec.json")) as f:
        return json.load(f)


class ModuleSpecTest(unittest.TestCase):
    def test_wired_ltc_matches_the_fixture(self):
        want = fixture_spec("ltc_autoncp_20_28_4")
        cell = Obj(_input_mapping="affine", _output_mapping="affine", _ode_unfolds=6, _epsilon=1e-8,
                   _implicit_param_constraints=True)
        m = LTC(input_size=20, wiring_or_units=AutoNCP(want["units"]), rnn_cell=cell, use_mixed=False, state_size=28,
                return_sequences=True)
        got = ncps_export.module_spec(m, "1.0.1")
        for k, v in want.items():
            self.assertEqual(got[k], v, k)
        self.assertEqual(list(got["units"]), list(want["units"]), "wiring keys in fixture order")
        self.assertNotIn("seed", got["units"]["params"])
        self.assertEqual(got["ode_unfolds"], 6)
        self.assertEqual(got["implicit_param_constraints"], True)
        json.dumps(got)

    def test_unwired_cfc_with_backbone_options(self):
        want = fixture_spec("cfc_nogate_silu_2layers")
        backbone = [Linear(out_features=24), SiLU(), Linear(out_features=24), SiLU()]
        cell = Obj(mode="no_gate", backbone=backbone, backbone_layers=2)
        m = CfC(input_size=5, wiring_or_units=12, rnn_cell=cell, use_mixed=False, proj_size=None, state_size=12,
                return_sequences=True)
        got = ncps_export.module_spec(m, "1.0.1")
        for k, v in want.items():
            self.assertEqual(got[k], v, k)
        self.assertEqual(got["backbone_dropout"], 0.0)
        self.assertEqual(got["mixed_memory"], False)
        self.assertNotIn("proj_size", got)

    def test_cfc_mixed_memory_projection_and_dropout(self):
        backbone = [Linear(out_features=16), LeCun(), Dropout(p=0.1)]
        cell = Obj(mode="default", backbone=backbone, backbone_layers=1)
        m = CfC(input_size=4, wiring_or_units=10, rnn_cell=cell, use_mixed=True, proj_size=3, state_size=10,
                return_sequences=True)
        got = ncps_export.module_spec(m, "1.0.1")
        for k, v in fixture_spec("cfc_mixed_proj").items():
            self.assertEqual(got[k], v, k)
        self.assertEqual(got["activation"], "lecun_tanh")
        self.assertAlmostEqual(got["backbone_dropout"], 0.1)

    def test_wired_cfc_has_no_backbone_options(self):
        want = fixture_spec("cfc_wired_autoncp_10_16_2")
        cell = WiredCfCCell(_layers=[Obj(mode="default")])
        m = CfC(input_size=10, wiring_or_units=AutoNCP(want["units"]), wiring=object(), rnn_cell=cell,
                use_mixed=False, proj_size=None, state_size=16, return_sequences=True)
        got = ncps_export.module_spec(m, "1.0.1")
        for k, v in want.items():
            self.assertEqual(got[k], v, k)
        self.assertFalse(any(k.startswith("backbone") for k in got))

    def test_other_modules_are_refused(self):
        with self.assertRaisesRegex(ncps_export.ExportError, "expected an ncps.torch LTC or CfC module, got Obj"):
            ncps_export.module_spec(Obj(), "1.0.1")


class CommandLineTest(unittest.TestCase):
    def test_help_works_without_torch(self):
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ncps_export.py")
        r = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("checkpoint", r.stdout)


class NcpsVersionTest(unittest.TestCase):
    def test_the_installed_distribution_wins_over_the_stale_module_attribute(self):
        import importlib.metadata
        import types

        stale = types.ModuleType("ncps")
        stale.__version__ = "0.0.2"
        saved_module, saved_version = sys.modules.get("ncps"), importlib.metadata.version
        sys.modules["ncps"] = stale
        try:
            importlib.metadata.version = lambda name: "1.0.1" if name == "ncps" else saved_version(name)
            self.assertEqual(ncps_export._ncps_version(), "1.0.1")

            def missing(name):
                raise importlib.metadata.PackageNotFoundError(name)

            importlib.metadata.version = missing
            self.assertEqual(ncps_export._ncps_version(), "0.0.2")
        finally:
            importlib.metadata.version = saved_version
            if saved_module is None:
                del sys.modules["ncps"]
            else:
                sys.modules["ncps"] = saved_module


if __name__ == "__main__":
    unittest.main()
