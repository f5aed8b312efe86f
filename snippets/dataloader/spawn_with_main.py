# run-as-a-file: the workers that "spawn" starts import this file again
# --8<-- [start:with-main]
import torch
from torch.utils.data import DataLoader, TensorDataset


def main():
    dataset = TensorDataset(torch.arange(8.0))
    loader = DataLoader(dataset, batch_size=4, num_workers=1,
                        multiprocessing_context="spawn")
    for (batch,) in loader:
        print(batch)


if __name__ == "__main__":
    main()
# --8<-- [end:with-main]
