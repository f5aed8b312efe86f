# --8<-- [start:train]
import torch
from torch import nn

torch.manual_seed(0)
dropout = nn.Dropout(p=0.5)
input = torch.ones(2, 8)

print(dropout.training)
print(dropout(input))
# --8<-- [end:train]

# --8<-- [start:many]
output = dropout(torch.ones(10000))
print((output == 0).sum().item(), "of 10000 are zero")
print(output.sum().item())
# --8<-- [end:many]

# --8<-- [start:eval]
dropout.eval()
print(dropout.training)
print(dropout(input))
# --8<-- [end:eval]
