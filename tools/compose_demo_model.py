#!/usr/bin/env python3
"""Composes the bundled demo model from the reference fixtures' weights (no training involved).

    python3 tools/compose_demo_model.py engine/src/test/resources/fixtures models/quantum-liquid-demo/1

Layers: the 6-qubit circuit of fixture pqc/pqc_q6_l3 (5 inputs -> 6 <Z> readouts), the NCP-wired
mixed-memory LTC of fixture ncps/ltc_ncp_mixed_linear (6 -> 2 motor neurons), and a 2 -> 2 identity
dense head, declared at 1 Hz so that its estimated power on a Cortex-M4F (about 41 uW, see
`qlnn inspect`) stays under the server's default 50 uW budget. The weights are the fixtures' perturbed random weights: the model computes exactly and
reports real coherence, but it was not trained on anything. Standard library only.
"""
import hashlib
import json
import os
import struct
import sys


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        out[name] = (e["dtype"], e["shape"], data[base + b:base + end])
    return out


def write_safetensors(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "qlnn-model/1"}}, 0, []
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main(fixtures, out):
    pqc_dir = os.path.join(fixtures, "pqc", "pqc_q6_l3")
    ltc_dir = os.path.join(fixtures, "ncps", "ltc_ncp_mixed_linear")
    pqc_spec = json.load(open(os.path.join(pqc_dir, "spec.json")))
    ltc_spec = json.load(open(os.path.join(ltc_dir, "spec.json")))
    tensors = {}
    for k, v in read_safetensors(os.path.join(pqc_dir, "weights.safetensors")).items():
        tensors["q." + k] = v
    for k, v in read_safetensors(os.path.join(ltc_dir, "weights.safetensors")).items():
        tensors["liquid." + k] = v
    tensors["head.weight"] = ("F32", [2, 2], struct.pack("<4f", 1.0, 0.0, 0.0, 1.0))
    tensors["head.bias"] = ("F32", [2], struct.pack("<2f", 0.0, 0.0))
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "weights.safetensors"), tensors)
    pqc_layer = dict(pqc_spec, name="q")
    pqc_layer["type"] = "pqc"
    model = {
        "format": "qlnn-model/1",
        "name": "quantum-liquid-demo",
        "description": "pqc front end (6 qubits, 3 layers) + NCP-wired mixed-memory LTC + dense head, "
                       "composed from the reference fixtures' weights by tools/compose_demo_model.py; untrained",
        "input_features": pqc_spec["input_size"],
        "output_names": ["y0", "y1"],
        "sample_rate_hz": 1.0,
        "energy_profile": "cortex-m4f",
        "layers": [
            pqc_layer,
            {"type": "ncps", "name": "liquid", "spec": ltc_spec},
            {"type": "dense", "name": "head", "in": 2, "out": 2, "activation": "none"},
        ],
        "weights": "weights.safetensors",
        "checksums": {"weights.safetensors": sha256(os.path.join(out, "weights.safetensors"))},
    }
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(model, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
