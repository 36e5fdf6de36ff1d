#!/usr/bin/env python3
"""Export a trained ncps (PyTorch) LTC or CfC module for `qlnn import-ncps`.

Writes two files into an output folder, in the format of the engine's ncps fixtures:
  spec.json           the constructor of the module: class, input_size, units (an int, or the wiring
                      with its adjacency matrices), the wrapper options, state_size, ncps_version
  weights.safetensors the module's state_dict, float32, keys unchanged

Only the standard library is needed to import this file; torch (and ncps, to unpickle a saved
module) are imported when a module is actually exported. From a training script:

    from ncps_export import export
    export(model.rnn, "export/")            # model.rnn is the ncps.torch.LTC / CfC module

From the command line, for a module saved whole with torch.save(module):

    python3 tools/ncps_export.py model.pt --attr rnn --out export/
    qlnn import-ncps --spec export/spec.json --weights export/weights.safetensors --out models/demo/1
"""

import argparse
import json
import math
import os
import struct
import sys

SAFETENSORS_FORMAT = "ncps-torch-state-dict"
FLOAT32_MAX = 3.4028234663852886e38
# Names of the ncps backbone activation modules, as CfC's `activation` argument spells them.
ACTIVATIONS = {"LeCun": "lecun_tanh", "SiLU": "silu", "ReLU": "relu", "Tanh": "tanh", "GELU": "gelu"}


class ExportError(Exception):
    """A module or file this exporter refuses; the message says what and why."""


# ---------------------------------------------------------------------------------------------
# safetensors, written by hand (8-byte little-endian header length, JSON header, raw tensors)


def safetensors_bytes(tensors, metadata=None):
    """Serialises {name: (shape, values)} as float32 safetensors.

    values is a flat sequence of numbers (row-major) or, already packed, little-endian float32 bytes.
    Tensors are laid out in name order; the header is padded with spaces to a multiple of 8 bytes.
    """
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        shape = [int(d) for d in shape]
        if any(d < 0 for d in shape):
            raise ExportError(f"tensor '{name}': negative dimension in shape {shape}")
        count = math.prod(shape)
        if isinstance(values, (bytes, bytearray)):
            blob = bytes(values)
            if len(blob) != 4 * count:
                raise ExportError(f"tensor '{name}': shape {shape} needs {4 * count} bytes, got {len(blob)}")
        else:
            values = list(values)
            if len(values) != count:
                raise ExportError(f"tensor '{name}': shape {shape} needs {count} values, got {len(values)}")
            blob = _pack_f32(f"tensor '{name}'", values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)
    return struct.pack("<Q", len(head)) + head + b"".join(blobs)


def _pack_f32(what, values):
    """Little-endian float32 bytes of finite values within the float32 range."""
    for i, v in enumerate(values):
        if not math.isfinite(v) or abs(v) > FLOAT32_MAX:
            raise ExportError(f"{what}: value {v} at flat index {i} is not a finite float32 (weights must be finite)")
    return struct.pack(f"<{len(values)}f", *values)


def write_safetensors(path, tensors, metadata=None):
    """Writes safetensors_bytes(...) to path atomically (temp file, then rename)."""
    _write_atomic(path, safetensors_bytes(tensors, metadata))


def _write_atomic(path, data):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# spec.json from a module (duck-typed on ncps attribute names, so it needs no torch itself)


def _int_matrix(m):
    return [[int(v) for v in row] for row in m]


def wiring_spec(wiring):
    """The wiring object of spec.json: type, params, sizes, both adjacency matrices and the layers."""
    if getattr(wiring, "input_dim", None) is None:
        raise ExportError("the wiring is not built (input_dim unknown): build the module before exporting")
    config = wiring.get_config() if hasattr(wiring, "get_config") else {}
    if "adjacency_matrix" in config:  # the base Wiring's config holds no constructor parameters
        config = {}
    # Seeds are left out on purpose: the adjacency is shipped, and must never be regenerated.
    params = {k: _plain(v) for k, v in config.items() if "seed" not in k}
    num_layers = int(wiring.num_layers)
    return {
        "type": type(wiring).__name__,
        "params": params,
        "units": int(wiring.units),
        "output_dim": int(wiring.output_dim),
        "input_dim": int(wiring.input_dim),
        "adjacency_matrix": _int_matrix(wiring.adjacency_matrix),
        "sensory_adjacency_matrix": _int_matrix(wiring.sensory_adjacency_matrix),
        "num_layers": num_layers,
        "layers": [[int(i) for i in wiring.get_neurons_of_layer(layer)] for layer in range(num_layers)],
    }


def _plain(v):
    """A JSON-ready copy of a config value (numpy scalars and arrays become numbers and lists)."""
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _units(module):
    for attr in ("wiring_or_units", "wiring_or_hidden_size"):
        if hasattr(module, attr):
            units = getattr(module, attr)
            return int(units) if isinstance(units, int) else wiring_spec(units)
    raise ExportError(f"{type(module).__name__}: cannot find the units or wiring it was built with")


def _cfc_options(module):
    cell = module.rnn_cell
    opts = {}
    if type(cell).__name__ == "WiredCfCCell":
        opts["mode"] = cell._layers[0].mode
    else:
        backbone = list(cell.backbone)
        act = type(backbone[1]).__name__
        if act not in ACTIVATIONS:
            raise ExportError(f"CfC backbone activation {act} is not one of {sorted(ACTIVATIONS)}")
        if act == "GELU" and getattr(backbone[1], "approximate", "none") != "none":
            raise ExportError("CfC backbone GELU must be the exact (erf) form")
        opts["mode"] = cell.mode
        opts["activation"] = ACTIVATIONS[act]
        opts["backbone_units"] = int(backbone[0].out_features)
        opts["backbone_layers"] = int(cell.backbone_layers)
        opts["backbone_dropout"] = float(next((m.p for m in backbone if type(m).__name__ == "Dropout"), 0.0))
    opts["mixed_memory"] = bool(module.use_mixed)
    if getattr(module, "proj_size", None) is not None:
        opts["proj_size"] = int(module.proj_size)
    return opts


def _ltc_options(module):
    cell = module.rnn_cell
    if getattr(cell, "_use_swish_activation", False) or getattr(module, "use_swish_activation", False):
        raise ExportError("LTC with use_swish_activation=True is not part of the qlnn model format")
    return {
        "mixed_memory": bool(module.use_mixed),
        "input_mapping": cell._input_mapping,
        "output_mapping": cell._output_mapping,
        "ode_unfolds": int(cell._ode_unfolds),
        "epsilon": float(cell._epsilon),
        "implicit_param_constraints": bool(cell._implicit_param_constraints),
    }


def module_spec(module, ncps_version):
    """The spec.json object of an ncps.torch LTC or CfC module."""
    cls = type(module).__name__
    if cls not in ("LTC", "CfC"):
        raise ExportError(f"expected an ncps.torch LTC or CfC module, got {cls} (use --attr to pick it out)")
    spec = {"class": cls, "input_size": int(module.input_size), "units": _units(module)}
    spec.update(_cfc_options(module) if cls == "CfC" else _ltc_options(module))
    state_size = getattr(module, "state_size", None)
    if state_size is None:
        state_size = module.hidden_size
    spec["state_size"] = int(state_size)
    spec["ncps_version"] = ncps_version
    spec["return_sequences"] = bool(module.return_sequences)
    return spec


# ---------------------------------------------------------------------------------------------
# torch side (imported lazily)


def _ncps_version():
    """The installed ncps distribution's version (ncps 1.0.1 still says 0.0.2 in ncps.__version__)."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("ncps")
    except PackageNotFoundError:
        pass
    try:
        import ncps  # noqa: F401  (a source checkout has no distribution metadata)

        return str(getattr(ncps, "__version__", None) or "unknown")
    except ImportError:
        return "unknown"


def state_tensors(module):
    """{key: (shape, float32 bytes)} of the module's state_dict, keys unchanged."""
    out = {}
    for key, t in module.state_dict().items():
        if t.is_complex():
            raise ExportError(f"state_dict['{key}'] has dtype {t.dtype}, which has no float32 form")
        flat = t.detach().cpu().reshape(-1).double().tolist()
        out[key] = (list(t.shape), _pack_f32(f"state_dict['{key}']", flat))
    return out


def export(module, out_dir, force=False):
    """Writes out_dir/spec.json and out_dir/weights.safetensors for an ncps LTC or CfC module."""
    spec = module_spec(module, _ncps_version())
    tensors = state_tensors(module)
    os.makedirs(out_dir, exist_ok=True)
    spec_path = os.path.join(out_dir, "spec.json")
    weights_path = os.path.join(out_dir, "weights.safetensors")
    for p in (spec_path, weights_path):
        if os.path.exists(p) and not force:
            raise ExportError(f"{p}: exists (use --force to replace it)")
    write_safetensors(weights_path, tensors, {"format": SAFETENSORS_FORMAT})
    _write_atomic(spec_path, (json.dumps(spec, indent=1) + "\n").encode("utf-8"))
    return spec_path, weights_path


def load_module(checkpoint, attr):
    try:
        import torch
    except ImportError as e:
        raise ExportError("exporting needs torch (and ncps): pip install torch ncps") from e
    try:
        obj = torch.load(checkpoint, map_location="cpu", weights_only=False)
    except FileNotFoundError as e:
        raise ExportError(f"{checkpoint}: no such file") from e
    if isinstance(obj, dict):
        raise ExportError(f"{checkpoint}: holds a state_dict, not a module; save the module with torch.save(model) "
                          "or call export(module, out_dir) from the training script")
    for part in [p for p in attr.split(".") if p]:
        if not hasattr(obj, part):
            raise ExportError(f"{checkpoint}: {type(obj).__name__} has no attribute '{part}' (from --attr {attr})")
        obj = getattr(obj, part)
    return obj


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Export a trained ncps (PyTorch) LTC or CfC module to spec.json + weights.safetensors "
                    "for `qlnn import-ncps`.",
        epilog="The checkpoint is unpickled: only export checkpoints you trust.")
    ap.add_argument("checkpoint", help="file written by torch.save(module) (the whole module)")
    ap.add_argument("--attr", default="", help="dotted attribute path to the ncps module inside the saved object, "
                                               "e.g. 'rnn' or 'encoder.liquid' (default: the object itself)")
    ap.add_argument("--out", default=".", help="output folder (default: the current folder)")
    ap.add_argument("--force", action="store_true", help="replace spec.json / weights.safetensors in --out")
    args = ap.parse_args(argv)
    try:
        module = load_module(args.checkpoint, args.attr)
        spec_path, weights_path = export(module, args.out, args.force)
    except ExportError as e:
        print(f"ncps_export: {e}", file=sys.stderr)
        return 2
    print(f"wrote {spec_path} and {weights_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
