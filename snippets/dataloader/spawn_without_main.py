# expected-error: RuntimeError
# run-as-a-file: the workers that "spawn" starts import this file again
# --8<-- [start:no-main]
import torch
from torch.utils.data import DataLoader, TensorDataset

# Windows and macOS start the workers with "spawn"; asked for here
dataset = TensorDataset(torch.arange(8.0))
loader = DataLoader(dataset, batch_size=4, num_workers=1,
                    multiprocessing_context="spawn")
for (batch,) in loader:
    print(batch)
# --8<-- [end:no-main]
