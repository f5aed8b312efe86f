# --8<-- [start:ex1]
import os

import torch
from torch import nn

model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2))
print(list(model.state_dict().keys()))
# --8<-- [end:ex1]

# --8<-- [start:ex2]
big = nn.Linear(1000, 1000)
torch.save(big.state_dict(), "exercise_linear.pth")
print(sum(p.numel() for p in big.parameters()) * 4)
print(round(os.path.getsize("exercise_linear.pth") / 1e6, 1), "MB")
# --8<-- [end:ex2]

# --8<-- [start:ex3]
small = nn.Linear(2, 2)
torch.save(small, "exercise_whole.pth")

loaded = torch.load("exercise_whole.pth", weights_only=False)
print(type(loaded).__name__)

torch.save(small.state_dict(), "exercise_params.pth")
fresh = nn.Linear(2, 2)
print(fresh.load_state_dict(torch.load("exercise_params.pth")))
# --8<-- [end:ex3]
