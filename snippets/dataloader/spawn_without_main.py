# expected-error: RuntimeError
# --8<-- [start:no-main]
import torch
from torch.utils.data import DataLoader, TensorDataset

# Windows and macOS start worker processes with "spawn"; here it is asked for explicitly
dataset = TensorDataset(torch.arange(8.0))
loader = DataLoader(dataset, batch_size=4, num_workers=1,
                    multiprocessing_context="spawn")
for (batch,) in loader:
    print(batch)
# --8<-- [end:no-main]
