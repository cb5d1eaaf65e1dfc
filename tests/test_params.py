import pytest

from batchsize.config import UserError
from batchsize.params import check_parameters


def test_good_parameters_pass():
    check_parameters(profile="smoke", device="cpu", seeds=2, data_dir="data", store=None, batch_sizes=[8, 64])
    check_parameters(profile="auto", device="cuda:0")


@pytest.mark.parametrize(("kwargs", "name"), [
    (dict(profile="huge"), "profile"), (dict(profile=3), "profile"), (dict(device="tpu"), "device"),
    (dict(seeds="3"), "seeds"), (dict(seeds=0), "seeds"), (dict(seeds=True), "seeds"),
    (dict(data_dir=5), "data_dir"), (dict(batch_sizes="8,64"), "batch_sizes"),
    (dict(batch_sizes=[8, 0]), "batch_sizes"), (dict(batch_sizes=[8.5]), "batch_sizes"),
    (dict(batch_sizes=[]), "batch_sizes"),
])
def test_wrong_types_and_values_name_the_parameter(kwargs, name):
    with pytest.raises(UserError, match=f"parameter {name}="):
        check_parameters(**kwargs)
