"""MNIST from every source, and one clear error for each kind of bad file."""
import gzip
import struct

import numpy as np
import pytest
import torch

import gankit
from gankit.data import DataError, load_mnist


def write_csv(path, rows):
    path.write_text("\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


def sample_rows(n=3):
    rng = np.random.default_rng(1)
    return [[i % 10] + rng.integers(0, 256, 784).tolist() for i in range(n)]


def write_idx(folder, images, labels, prefix="train"):
    folder.mkdir(parents=True, exist_ok=True)
    names = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}[prefix]
    (folder / names[0]).write_bytes(struct.pack(">BBBBIII", 0, 0, 8, 3, len(images), 28, 28)
                                    + images.astype(np.uint8).tobytes())
    (folder / names[1]).write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, len(labels))
                                    + labels.astype(np.uint8).tobytes())
    return folder


# ------------------------------------------------------------------------ CSV
def test_csv_is_read_and_scaled(tmp_path):
    rows = sample_rows()
    data = load_mnist(write_csv(tmp_path / "mnist_train.csv", rows))
    assert data.kind == "csv" and len(data) == 3
    assert data.labels.tolist() == [0, 1, 2]
    assert data.images.shape == (3, 784) and data.images.dtype == torch.float32
    assert torch.allclose(data.images[1], torch.tensor(rows[1][1:], dtype=torch.float32) / 255)
    assert "mnist_train.csv" in data.describe() and "(3 images)" in data.describe()


def test_csv_with_wrong_number_of_columns_names_file_and_row(tmp_path):
    rows = sample_rows()
    rows[1] = rows[1][:500]
    path = write_csv(tmp_path / "short.csv", rows)
    with pytest.raises(DataError, match=r"short\.csv.*row 2.*784 pixel values"):
        load_mnist(path)


def test_csv_with_uniformly_wrong_shape(tmp_path):
    path = write_csv(tmp_path / "narrow.csv", [[1, 2, 3], [4, 5, 6]])
    with pytest.raises(DataError, match=r"narrow\.csv has 3 columns per row, expected 785"):
        load_mnist(path)


def test_csv_pixel_outside_0_255(tmp_path):
    rows = sample_rows()
    rows[2][100] = 300
    with pytest.raises(DataError, match=r"bad\.csv, row 3: pixel value 300 is outside 0-255"):
        load_mnist(write_csv(tmp_path / "bad.csv", rows))


def test_csv_scaled_pixels_are_rejected(tmp_path):
    rows = sample_rows()
    rows[0][5] = -0.5
    with pytest.raises(DataError, match="outside 0-255"):
        load_mnist(write_csv(tmp_path / "scaled.csv", rows))


def test_csv_bad_label(tmp_path):
    rows = sample_rows()
    rows[0][0] = 12
    with pytest.raises(DataError, match=r"row 1: label 12"):
        load_mnist(write_csv(tmp_path / "label.csv", rows))


def test_missing_csv_names_file_and_fix(tmp_path):
    with pytest.raises(DataError, match=r"not found: .*nothere\.csv.*--data"):
        load_mnist(tmp_path / "nothere.csv")


# ------------------------------------------------------------------------ IDX
@pytest.fixture
def idx_root(tmp_path):
    rng = np.random.default_rng(2)
    images = rng.integers(0, 256, (5, 28, 28))
    labels = np.array([5, 0, 4, 1, 9])
    write_idx(tmp_path / "MNIST" / "raw", images, labels)
    write_idx(tmp_path / "MNIST" / "raw", images[:2], labels[:2], prefix="test")
    return tmp_path, images, labels


def test_idx_folder_as_torchvision_lays_it_out(idx_root):
    root, images, labels = idx_root
    for where in (root, root / "MNIST" / "raw"):
        data = load_mnist(where)
        assert data.kind == "idx" and data.labels.tolist() == labels.tolist()
        assert torch.equal(data.images, torch.from_numpy(images.reshape(5, 784).astype(np.float32) / 255))
    assert load_mnist(root, split="test").labels.tolist() == [5, 0]


def test_description_names_no_folder_unless_asked(idx_root, tmp_path):
    """What a run prints (and a notebook keeps) says what the data is, never where it lies on this machine."""
    root, _, _ = idx_root
    data = load_mnist(root)
    assert data.describe() == "data: MNIST IDX files (5 images)" and root.name not in data.source
    assert root.name in data.describe(where=True)  # the console of make figures may say where
    (tmp_path / "sub").mkdir()
    csv = write_csv(tmp_path / "sub" / "digits.csv", sample_rows())
    assert load_mnist(csv).describe(used=1) == "data: CSV file digits.csv (the first 1 of 3 images)"


def test_truncated_idx_file(idx_root):
    root = idx_root[0]
    path = root / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte is truncated or corrupt.*Download it again"):
        load_mnist(root)


def test_idx_with_bad_header(idx_root):
    root = idx_root[0]
    path = root / "MNIST" / "raw" / "train-labels-idx1-ubyte"
    path.write_bytes(gzip.compress(path.read_bytes()))  # a .gz saved under the raw name
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte is not an MNIST IDX file"):
        load_mnist(root)


def test_idx_missing_label_file(idx_root):
    root = idx_root[0]
    (root / "MNIST" / "raw" / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match=r"file not found: .*train-labels-idx1-ubyte"):
        load_mnist(root)


def test_folder_without_idx_files(tmp_path):
    with pytest.raises(DataError, match=r"no MNIST IDX files in"):
        load_mnist(tmp_path)


# -------------------------------------------------------------- built-in, env
def test_builtin_subset_is_shuffled_balanced_and_announced(capsys):
    train = load_mnist("builtin")
    assert "5,000-image MNIST subset" in capsys.readouterr().out
    test = load_mnist("builtin", split="test", quiet=True)
    assert (len(train), len(test)) == (4000, 1000) and train.is_subset
    counts = torch.bincount(torch.cat([train.labels, test.labels]), minlength=10)
    assert counts.tolist() == [500] * 10  # the whole subset, split without loss
    assert len(set(train.labels[:20].tolist())) > 3  # not sorted by digit any more
    assert float(train.images.min()) == 0.0 and float(train.images.max()) == 1.0
    assert torch.equal(train.labels, load_mnist("builtin", quiet=True).labels)  # fixed shuffle


def test_environment_variable_selects_source(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "env.csv", sample_rows(4))
    monkeypatch.setenv("GANBOOK_DATA", str(path))
    assert load_mnist().kind == "csv" and len(load_mnist()) == 4


def test_auto_falls_back_to_builtin_when_offline(monkeypatch, tmp_path):
    monkeypatch.delenv("GANBOOK_DATA", raising=False)
    monkeypatch.setattr(gankit.data, "DOWNLOAD_ROOT", tmp_path / "nothing-downloaded")
    monkeypatch.setattr(gankit.data, "_download", lambda split, timeout_s=15.0: None)
    data = load_mnist("auto", quiet=True)
    assert data.kind == "builtin" and len(data) == 4000


def test_dataset_items_and_one_hot_targets():
    from chapter_2_3_2_02 import MnistDataset

    dataset = MnistDataset("builtin", limit=50)
    assert len(dataset) == 50
    for index in (0, 17, 49):
        label, image, target = dataset[index]
        assert isinstance(label, int) and label == int(dataset.labels[index])
        assert image.shape == (784,) and 0.0 <= float(image.min()) and float(image.max()) <= 1.0
        assert target.shape == (10,) and target.sum() == 1.0 and target[label] == 1.0


# -------------------------------------------------------------- the full MNIST
def test_full_mnist(full_data):
    data = load_mnist(full_data)
    assert len(data) == 60000 and data.kind == "idx"
    assert int(data.labels[0]) == 5
    assert torch.bincount(data.labels)[:3].tolist() == [5923, 6742, 5958]
    assert len(load_mnist(full_data, split="test")) == 10000


# ------------------------------------------------------- faults of the reliability probe
def test_plain_and_gzipped_idx_files_of_one_split_are_never_mixed(idx_root):
    """Before: plain images beside gzipped labels of another set trained silently (9.7% agreement)."""
    root, images, labels = idx_root
    raw = root / "MNIST" / "raw"
    other = raw / "train-labels-idx1-ubyte"
    (raw / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(other.read_bytes()))
    other.unlink()  # plain images, gzipped labels
    with pytest.raises(DataError) as err:
        load_mnist(root)
    message = str(err.value)
    assert "train-images-idx3-ubyte and" in message and "train-labels-idx1-ubyte.gz" in message
    assert "one plain and one gzipped" in message and "Keep one format" in message


def test_a_complete_pair_of_one_format_is_used(idx_root):
    """Images in both formats, labels only gzipped: the gzipped pair belongs together, and is used."""
    root, images, labels = idx_root
    raw = root / "MNIST" / "raw"
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (raw / (name + ".gz")).write_bytes(gzip.compress((raw / name).read_bytes()))
    (raw / "train-images-idx3-ubyte").write_bytes((raw / "train-images-idx3-ubyte").read_bytes()[:-1])  # torn
    (raw / "train-labels-idx1-ubyte").unlink()
    data = load_mnist(root)
    assert data.labels.tolist() == labels.tolist()  # read from the .gz pair, not the torn plain file


def test_csv_with_the_label_last_is_refused_naming_the_probable_cause(tmp_path):
    """Before: pixels first, label last was accepted, every label read as 0 (MNIST's corner pixel)."""
    rows = sample_rows(30)
    for row in rows:
        row[1] = 0  # the corner pixel, read as the label
    moved = [row[1:] + [row[0]] for row in rows]
    with pytest.raises(DataError) as err:
        load_mnist(write_csv(tmp_path / "label_last.csv", moved))
    message = str(err.value)
    assert "label_last.csv" in message and "all 30 labels" in message and "are 0" in message
    assert "the label is probably the last value of each row" in message


def test_a_line_is_printed_before_any_network_wait(monkeypatch, tmp_path, capsys):
    """Before: --data auto on a stalled network waited about 33 s before saying anything."""
    import torchvision.datasets

    said = []

    class Stalled:
        def __init__(self, *args, **kwargs):
            said.append(capsys.readouterr().err)  # what the reader saw when the wait began
            raise TimeoutError("the network stalled")

    monkeypatch.setattr(gankit.data, "DOWNLOAD_ROOT", tmp_path / "data")
    monkeypatch.setattr(gankit.data, "_LOADED", {})  # not what an earlier test loaded from "auto"
    monkeypatch.setattr(torchvision.datasets, "MNIST", Stalled)
    monkeypatch.delenv("GANBOOK_DATA", raising=False)
    assert load_mnist("auto", quiet=True).kind == "builtin"
    assert said and "trying to download MNIST" in said[0] and "--data builtin" in said[0], said
