# --8<-- [start:train]
import torch
from torch import nn

input = torch.tensor([1.0, 2.0, 4.0, 5.0]).reshape(4, 1, 1, 1)
bn = nn.BatchNorm2d(1)
print(bn)

output = bn(input)
print(output.flatten())
print(bn.running_mean, bn.running_var)
# --8<-- [end:train]

# --8<-- [start:eval]
bn.eval()
output = bn(input)
print(output.flatten())
# --8<-- [end:eval]

# --8<-- [start:more-batches]
bn.train()
for _ in range(100):
    bn(input)
print(bn.running_mean, bn.running_var)

bn.eval()
print(bn(input).flatten())
# --8<-- [end:more-batches]
