# expected-error: KeyError
# --8<-- [start:imports]
import os

import torch
import torch.distributed as dist
import torchvision
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Subset
from torch.utils.data.distributed import DistributedSampler

from model import Tudui  # model.py, next to this file

def log(rank, text):
    # one write per line, so that the lines of two processes never mix
    print(f"[rank {rank}] {text}\n", end="", flush=True)


def checksum(model):
    return sum(p.detach().double().sum() for p in model.parameters()).item()
# --8<-- [end:imports]


# --8<-- [start:setup]
local_rank = int(os.environ["LOCAL_RANK"])
# one GPU per process if there are enough of them, else the CPU
use_cuda = torch.cuda.device_count() >= int(os.environ["LOCAL_WORLD_SIZE"])
dist.init_process_group(backend="nccl" if use_cuda else "gloo")
rank = dist.get_rank()
world_size = dist.get_world_size()
if use_cuda:
    device = torch.device("cuda", local_rank)
    torch.cuda.set_device(device)
else:
    device = torch.device("cpu")
backend = dist.get_backend()
log(rank, f"world size {world_size}, backend {backend}, device {device}")
# --8<-- [end:setup]

# --8<-- [start:data]
to_tensor = torchvision.transforms.ToTensor()
train_data = torchvision.datasets.CIFAR10("./dataset", train=True,
                                          transform=to_tensor, download=True)
train_data = Subset(train_data, range(128))
sampler = DistributedSampler(train_data)
train_dataloader = DataLoader(train_data, batch_size=32, sampler=sampler)
# --8<-- [end:data]

# --8<-- [start:model]
torch.manual_seed(rank)  # on purpose: different weights in each process
tudui = Tudui().to(device)
log(rank, f"checksum before DDP:     {checksum(tudui):.6f}")
tudui = DDP(tudui)
log(rank, f"checksum after DDP:      {checksum(tudui):.6f}")
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(tudui.parameters(), lr=1e-2)
# --8<-- [end:model]

# --8<-- [start:train]
for epoch in range(2):
    sampler.set_epoch(epoch)
    seen = 0
    for imgs, targets in train_dataloader:
        imgs = imgs.to(device)
        targets = targets.to(device)
        loss = loss_fn(tudui(imgs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seen = seen + len(imgs)
    first = list(sampler)[:3]
    log(rank, f"epoch {epoch}: {seen} of {len(train_data)} images, "
              f"first indices {first}")
# --8<-- [end:train]

# --8<-- [start:check]
log(rank, f"checksum after training: {checksum(tudui):.6f}")
loss = loss.detach()
dist.all_reduce(loss, op=dist.ReduceOp.AVG)
if rank == 0:
    log(rank, f"last loss, mean over {world_size} processes: {loss.item():.4f}")
dist.barrier()  # both processes are done before either closes its connections
dist.destroy_process_group()
# --8<-- [end:check]
