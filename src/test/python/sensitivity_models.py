"""Models for measuring sensitivity analysis and --auto-exclude by hand (not used by the tests).

    /usr/bin/python3 src/test/python/sensitivity_models.py [OUT_DIR] [big]    (default /tmp/sens)

Writes, with Debian's python3-torch, python3-sklearn and python3-onnx:
  minilm_like.onnx      a MiniLM-sized BERT encoder exported from PyTorch (6 layers, hidden 384,
                        12 heads, intermediate 1536, vocabulary 30522, opset 14): 36 MatMul with
                        constant weights, plus the embedding Gathers; inputs input_ids and
                        attention_mask [batch, sequence]
  bert_base_like.onnx   the same encoder at BERT-base size (12 layers, hidden 768, 12 heads,
                        intermediate 3072; 438 MB): 72 MatMul; only with the argument "big"
  mlp3_torch.onnx       a 3-layer MLP exported from PyTorch ([N, 64] -> 256 -> 128 -> 10, softmax)
  skl_*.onnx            scikit-learn MLPClassifiers written as MatMul + Add + Relu layers and a
                        Softmax (what skl2onnx writes, without ZipMap); float input [N, F]
  skl_*.x.npy           their test inputs (float32 [N, F]); skl_*.proba.npy sklearn's probabilities
"""

import os
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

warnings.filterwarnings("ignore")
OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sens"
os.makedirs(OUT, exist_ok=True)


def minilm_like(name="minilm_like", hidden=384, heads=12, inter=1536, layers=6):
    import torch
    from torch import nn

    torch.manual_seed(0)
    vocab, positions = 30522, 512

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = nn.Linear(hidden, hidden)
            self.k = nn.Linear(hidden, hidden)
            self.v = nn.Linear(hidden, hidden)
            self.o = nn.Linear(hidden, hidden)
            self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
            self.up = nn.Linear(hidden, inter)
            self.down = nn.Linear(inter, hidden)
            self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

        def split(self, t):
            b, s, _ = t.shape
            return t.view(b, s, heads, hidden // heads).transpose(1, 2)

        def forward(self, x, bias):
            b, s, _ = x.shape
            q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
            att = torch.matmul(q, k.transpose(-1, -2)) / (hidden // heads) ** 0.5 + bias
            ctx = torch.matmul(att.softmax(-1), v).transpose(1, 2).reshape(b, s, hidden)
            x = self.ln1(x + self.o(ctx))
            return self.ln2(x + self.down(nn.functional.gelu(self.up(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(vocab, hidden)
            self.pos = nn.Embedding(positions, hidden)
            self.ln = nn.LayerNorm(hidden, eps=1e-12)
            self.layers = nn.ModuleList([Layer() for _ in range(layers)])

        def forward(self, input_ids, attention_mask):
            s = input_ids.shape[1]
            pos = torch.arange(s, dtype=torch.long).unsqueeze(0)
            x = self.ln(self.word(input_ids) + self.pos(pos))
            bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
            for layer in self.layers:
                x = layer(x, bias)
            return x

    m = Encoder().eval()
    ids = torch.randint(0, vocab, (1, 128))
    mask = torch.ones(1, 128, dtype=torch.long)
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(
        m, (ids, mask), path, opset_version=14,
        input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                      "attention_mask": {0: "batch", 1: "sequence"},
                      "last_hidden_state": {0: "batch", 1: "sequence"}})
    g = onnx.load(path).graph
    print(path, sum(n.op_type == "MatMul" for n in g.node), "MatMul")


def mlp3_torch():
    import torch
    from torch import nn

    torch.manual_seed(1)
    m = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                      nn.Linear(128, 10), nn.Softmax(dim=1)).eval()
    path = os.path.join(OUT, "mlp3_torch.onnx")
    torch.onnx.export(m, (torch.randn(8, 64),), path, opset_version=14,
                      input_names=["x"], output_names=["probabilities"],
                      dynamic_axes={"x": {0: "batch"}, "probabilities": {0: "batch"}})
    print(path)


def sklearn_mlp(name, clf, x_train, y_train, x_test):
    clf.fit(x_train, y_train)
    f = TensorProto.FLOAT
    inits, nodes, cur = [], [], "float_input"
    last = len(clf.coefs_) - 1
    for i, (w, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        inits.append(numpy_helper.from_array(w.astype(np.float32), f"coefficient{i}"))
        inits.append(numpy_helper.from_array(b.astype(np.float32).reshape(1, -1), f"intercepts{i}"))
        nodes.append(helper.make_node("MatMul", [cur, f"coefficient{i}"], [f"mul_result{i}"],
                                      name=f"MatMul{i}"))
        nodes.append(helper.make_node("Add", [f"mul_result{i}", f"intercepts{i}"],
                                      [f"add_result{i}"], name=f"Add{i}"))
        cur = f"add_result{i}"
        if i < last:
            nodes.append(helper.make_node("Relu", [cur], [f"next_activations{i}"], name=f"Relu{i}"))
            cur = f"next_activations{i}"
    classes = len(clf.classes_)
    if classes == 2:  # sklearn's logistic output: one logit -> [1 - p, p]
        nodes.append(helper.make_node("Sigmoid", [cur], ["p1"], name="Sigmoid"))
        inits.append(numpy_helper.from_array(np.array([1.0], np.float32), "one"))
        nodes.append(helper.make_node("Sub", ["one", "p1"], ["p0"], name="Sub"))
        nodes.append(helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1,
                                      name="Concat"))
    else:
        nodes.append(helper.make_node("Softmax", [cur], ["probabilities"], axis=1, name="Softmax"))
    features = x_test.shape[1]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("float_input", f, [None, features])],
        [helper.make_tensor_value_info("probabilities", f, [None, classes])], inits)
    model = helper.make_model(graph, producer_name="skl2onnx-like",
                              opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(model, path)
    np.save(os.path.join(OUT, name + ".x.npy"), x_test.astype(np.float32))
    np.save(os.path.join(OUT, name + ".proba.npy"), clf.predict_proba(x_test).astype(np.float32))
    print(path, [w.shape for w in clf.coefs_], "test acc %.3f" % clf.score(x_test, y_test_of[name]))


y_test_of = {}


def sklearn_models():
    from sklearn.datasets import load_breast_cancer, load_digits, load_wine, make_classification
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    def split(x, y, seed=0):
        return train_test_split(x.astype(np.float32), y, test_size=200 if len(x) > 600 else 0.3,
                                random_state=seed)

    from sklearn.preprocessing import StandardScaler

    # digits, raw pixels 0..16: large inputs, confident softmax
    x, y = load_digits(return_X_y=True)
    a, b, c, d = split(x, y)
    y_test_of["skl_digits_3"] = d
    sklearn_mlp("skl_digits_3", MLPClassifier((128, 64), max_iter=800, random_state=0), a, c, b)
    y_test_of["skl_digits_5"] = d
    sklearn_mlp("skl_digits_5",
                MLPClassifier((256, 128, 64, 32), max_iter=800, random_state=1), a, c, b)
    # wine, unscaled features (proline ~ 1000)
    x, y = load_wine(return_X_y=True)
    a, b, c, d = split(x, y)
    y_test_of["skl_wine_4"] = d
    sklearn_mlp("skl_wine_4", MLPClassifier((64, 32, 16), max_iter=3000, random_state=0), a, c, b)
    # breast cancer, unscaled, binary (sigmoid output)
    x, y = load_breast_cancer(return_X_y=True)
    a, b, c, d = split(x, y)
    y_test_of["skl_cancer_4"] = d
    sklearn_mlp("skl_cancer_4", MLPClassifier((100, 50, 25), max_iter=2000, random_state=0),
                a, c, b)
    # synthetic, standardized, 8 classes, wide layers
    x, y = make_classification(n_samples=3000, n_features=40, n_informative=24, n_classes=8,
                               n_clusters_per_class=1, class_sep=2.0, random_state=3)
    x = StandardScaler().fit_transform(x) * 3
    a, b, c, d = split(x, y)
    y_test_of["skl_synth_6"] = d
    sklearn_mlp("skl_synth_6",
                MLPClassifier((256, 256, 128, 64, 32), max_iter=500, random_state=2), a, c, b)


if __name__ == "__main__":
    sklearn_models()
    mlp3_torch()
    minilm_like()
    if "big" in sys.argv[2:]:
        minilm_like("bert_base_like", hidden=768, heads=12, inter=3072, layers=12)
