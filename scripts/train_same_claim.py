"""Train Candor's same-claim model: MiniLM-L6 fine-tuned as a cross-encoder on SciFact claim/evidence pairs.

Not part of the app: it writes `models/same-claim.onnx`, which is committed, so users and CI never run it.
It needs PyTorch (CPU), which is not a dependency of Candor:

    .venv/bin/pip install torch==2.13.0+cpu --find-links /opt/wheels   # or PyTorch's CPU index
    .venv/bin/python scripts/train_same_claim.py          # ~18 min on 2 cores

The start is the packaged all-MiniLM-L6-v2 (weight-only int8 ONNX, dequantised into a small PyTorch BERT).
Pairs are SciFact's claim/evidence sentences: SUPPORT, CONTRADICT, and NEI (other sentences of the cited
abstracts). The model learns the three classes, but Candor uses only P(SUPPORT) + P(CONTRADICT): whether
two sentences speak to the same claim. Telling support from contradiction is beyond it (AUC ≈ 0.5 on
SciFact dev, see docs/claims.md §7). The fine-tuned weights go back into a copy of the packaged graph,
re-quantised the same way (symmetric int8 per output channel), with mean pooling and the head added.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from tokenizers import Tokenizer
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from assistant.embeddings import model_files  # noqa: E402

SCIFACT = ROOT.parent / "shared" / "data" / "scifact"
OUT = ROOT / "models" / "same-claim.onnx"
LABELS = {"NEI": 0, "SUPPORT": 1, "CONTRADICT": 2}
H, LAYERS, HEADS, FF, MAX_TOKENS = 384, 6, 12, 1536, 128
# BERT submodule names in the packaged graph -> ours
_LINEARS = {"attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
            "attention.output.dense": "o", "intermediate.dense": "i", "output.dense": "out"}


class Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(H, H) for _ in range(4))
        self.i, self.out = nn.Linear(H, FF), nn.Linear(FF, H)
        self.ln1, self.ln2 = nn.LayerNorm(H, eps=1e-12), nn.LayerNorm(H, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape

        def heads(z: torch.Tensor) -> torch.Tensor:
            return z.view(b, t, HEADS, H // HEADS).transpose(1, 2)

        a = nn.functional.scaled_dot_product_attention(heads(self.q(x)), heads(self.k(x)), heads(self.v(x)),
                                                       attn_mask=bias, dropout_p=0.1 if self.training else 0.0)
        x = self.ln1(x + self.drop(self.o(a.transpose(1, 2).reshape(b, t, H))))
        return self.ln2(x + self.drop(self.out(nn.functional.gelu(self.i(x)))))


class CrossEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.word, self.pos, self.typ = nn.Embedding(30522, H), nn.Embedding(512, H), nn.Embedding(2, H)
        self.ln = nn.LayerNorm(H, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(H, 3)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        x = self.drop(self.ln(self.word(ids) + self.typ(types) + self.pos(torch.arange(ids.shape[1]))[None]))
        bias = (1.0 - mask[:, None, None, :].float()) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).float()
        return self.head(self.drop((x * m).sum(1) / m.sum(1)))


def _weights(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    """Our parameter name -> its float weights in the packaged graph (int8 ones dequantised)."""
    init = {i.name: numpy_helper.to_array(i) for i in graph.initializer}

    def value(name: str) -> np.ndarray:
        if name in init:
            return init[name].astype(np.float32)
        return init[name + "_q"].astype(np.float32) * init[name + "_scale"]

    return {ours: value(theirs) for ours, theirs in _named(graph).items()}


def _named(graph: onnx.GraphProto) -> dict[str, str]:
    """Our parameter name -> the graph's tensor name (MatMul weights are stored transposed, (in, out))."""
    names = {"word.weight": "inner.embeddings.word_embeddings.weight",
             "pos.weight": "inner.embeddings.position_embeddings.weight",
             "typ.weight": "inner.embeddings.token_type_embeddings.weight",
             "ln.weight": "inner.embeddings.LayerNorm.weight", "ln.bias": "inner.embeddings.LayerNorm.bias"}
    for n in range(LAYERS):
        for theirs, ours in (("attention.output.LayerNorm", "ln1"), ("output.LayerNorm", "ln2")):
            for kind in ("weight", "bias"):
                names[f"layers.{n}.{ours}.{kind}"] = f"inner.encoder.layer.{n}.{theirs}.{kind}"
    quantised = {i.name.removesuffix("_q") for i in graph.initializer if i.name.endswith("_q")}
    nodes = list(graph.node)
    for node, after in itertools.pairwise(nodes):
        if node.op_type == "MatMul" and node.input[1] in quantised and after.op_type == "Add":
            bias = after.input[1]  # inner.encoder.layer.N.<sub>.bias
            parts = bias.split(".")
            ours = f"layers.{parts[3]}.{_LINEARS['.'.join(parts[4:-1])]}"
            names[f"{ours}.weight"], names[f"{ours}.bias"] = node.input[1], bias
    return names


def _linear(name: str, w: np.ndarray) -> bool:
    """Whether `w` is a linear layer's weight: torch keeps it as (out, in), the graph's MatMul as (in, out)."""
    return name.startswith("layers.") and name.endswith(".weight") and w.ndim == 2


def load_base(path: str) -> tuple[CrossEncoder, onnx.ModelProto]:
    """The packaged model as a trainable cross-encoder (with a fresh head), and its graph for export."""
    graph = onnx.load(path)
    state = {ours: torch.from_numpy(np.ascontiguousarray(w.T if _linear(ours, w) else w))
             for ours, w in _weights(graph.graph).items()}
    model = CrossEncoder()
    missing = model.load_state_dict(state, strict=False)
    assert set(missing.missing_keys) == {"head.weight", "head.bias"} and not missing.unexpected_keys, missing
    return model, graph


def pairs(split: str, seed: int = 0, nei_per_doc: int = 2) -> list[tuple[str, str, int]]:
    """(claim, sentence, label) for SciFact's rationale sentences and sampled non-rationale ones."""
    rnd = random.Random(seed)
    docs = {d["doc_id"]: d["abstract"] for d in map(json.loads, (SCIFACT / "corpus_sentences.jsonl").open())}
    out = []
    for claim in map(json.loads, (SCIFACT / f"claims_{split}.jsonl").open()):
        used = set()
        for doc, sets in claim["evidence"].items():
            for s in sets:
                for i in s["sentences"]:
                    out.append((claim["claim"], docs[int(doc)][i], LABELS[s["label"]]))
                    used.add((int(doc), i))
        for doc in claim["cited_doc_ids"]:
            sentences = docs.get(int(doc), [])
            rest = [i for i in range(len(sentences)) if (int(doc), i) not in used]
            out += [(claim["claim"], sentences[i], 0) for i in rnd.sample(rest, min(nei_per_doc, len(rest)))]
    return out


def auc(positive: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (ties count half)."""
    pos, neg = score[positive], score[~positive]
    return float(((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (len(pos) * len(neg)))


def encode(tok: Tokenizer, batch: list[tuple[str, str, int]]) -> tuple[torch.Tensor, ...]:
    enc = tok.encode_batch([(a, b) for a, b, _ in batch])
    return (torch.tensor([e.ids for e in enc]), torch.tensor([e.attention_mask for e in enc]),
            torch.tensor([e.type_ids for e in enc]), torch.tensor([y for *_, y in batch]))


def evaluate(model: CrossEncoder, tok: Tokenizer, data: list[tuple[str, str, int]]) -> dict[str, float]:
    model.eval()
    with torch.no_grad():
        probs = torch.cat([torch.softmax(model(*encode(tok, data[i:i + 64])[:3]), -1)
                           for i in range(0, len(data), 64)]).numpy()
    model.train()
    y = np.array([label for *_, label in data])
    related = y > 0
    return {"accuracy": float((probs.argmax(1) == y).mean()),
            "same_claim_auc": auc(related, probs[:, 1] + probs[:, 2]),
            "contradict_vs_support_auc": auc(y[related] == 2, probs[related, 2])}


def quantise(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per channel along `axis` (the packaged model's scheme)."""
    scale = np.abs(w).max(axis=axis, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale.astype(np.float32)


def export(model: CrossEncoder, graph: onnx.ModelProto, path: Path) -> None:
    """The packaged graph with our weights, then masked mean pooling, the head and a softmax."""
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    init = {i.name: i for i in graph.graph.initializer}
    for ours, theirs in _named(graph.graph).items():
        w = state[ours].T if _linear(ours, state[ours]) else state[ours]
        if theirs + "_q" in init:
            old_scale = numpy_helper.to_array(init[theirs + "_scale"])
            q, scale = quantise(w, axis=0 if old_scale.shape[0] == 1 else 1)
            init[theirs + "_q"].CopyFrom(numpy_helper.from_array(q, theirs + "_q"))
            init[theirs + "_scale"].CopyFrom(numpy_helper.from_array(scale, theirs + "_scale"))
        else:
            init[theirs].CopyFrom(numpy_helper.from_array(w.astype(np.float32), theirs))
    g = graph.graph
    g.initializer.extend([numpy_helper.from_array(state["head.weight"].T.copy(), "head_w"),
                          numpy_helper.from_array(state["head.bias"], "head_b"),
                          numpy_helper.from_array(np.array([1], dtype=np.int64), "pool_axis"),
                          numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_axis")])
    g.node.extend([
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=onnx.TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "last_axis"], ["mask_3d"]),
        helper.make_node("Mul", ["last_hidden_state", "mask_3d"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "pool_axis"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask_3d", "pool_axis"], ["counted"], keepdims=0),
        helper.make_node("Div", ["summed", "counted"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "head_w"], ["logits_raw"]),
        helper.make_node("Add", ["logits_raw", "head_b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
    ])
    del g.output[:]
    g.output.extend([helper.make_tensor_value_info("probabilities", onnx.TensorProto.FLOAT, ["batch", 3])])
    graph.doc_string = "Candor same-claim model: all-MiniLM-L6-v2 fine-tuned on SciFact (NEI, SUPPORT, CONTRADICT)."
    onnx.checker.check_model(graph)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(graph, str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(2)
    files = model_files()
    model, graph = load_base(str(files.model))
    tok = Tokenizer.from_file(str(files.tokenizer))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding()
    train = pairs("train")
    train += [(b, a, y) for a, b, y in train if y]  # the relation is symmetric: teach both orders
    dev = pairs("dev")
    batch, lr = 16, 3e-5
    steps = args.epochs * (len(train) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=max(steps, 1), pct_start=0.1,
                                                anneal_strategy="linear")
    weight = torch.tensor([1.0, 1.5, 2.0])  # NEI is the majority
    print(f"{len(train)} training pairs, {len(dev)} dev pairs, {steps} steps", flush=True)
    start = time.time()
    model.train()
    for epoch in range(args.epochs):
        random.shuffle(train)
        for i in range(0, len(train) - batch + 1, batch):
            ids, mask, types, y = encode(tok, train[i:i + batch])
            loss = nn.functional.cross_entropy(model(ids, mask, types), y, weight=weight)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
        scores = {k: round(v, 3) for k, v in evaluate(model, tok, dev).items()}
        print(f"epoch {epoch + 1}: SciFact dev {scores} ({time.time() - start:.0f} s)", flush=True)
    export(model, graph, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    check(model, tok, dev, args.out)


def check(model: CrossEncoder, tok: Tokenizer, dev: list[tuple[str, str, int]], path: Path) -> None:
    """Compare the exported int8 model with the trained float one on SciFact dev."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = []
    for i in range(0, len(dev), 64):
        ids, mask, types, _ = encode(tok, dev[i:i + 64])
        got.append(session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                                      "token_type_ids": types.numpy()})[0])
    probs = np.concatenate(got)
    model.eval()
    with torch.no_grad():
        want = torch.cat([torch.softmax(model(*encode(tok, dev[i:i + 64])[:3]), -1)
                          for i in range(0, len(dev), 64)]).numpy()
    related = np.array([label for *_, label in dev]) > 0
    print(f"int8 ONNX vs float: max |Δp| {np.abs(probs - want).max():.3f}; same-claim AUC "
          f"{auc(related, probs[:, 1] + probs[:, 2]):.3f} (float {auc(related, want[:, 1] + want[:, 2]):.3f})")


if __name__ == "__main__":
    main()
