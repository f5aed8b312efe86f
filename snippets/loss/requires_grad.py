# --8<-- [start:graph]
import torch
from torch import nn

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 2).sum()  # y = 1² + 2² + 3²
print(y)
print(y.grad_fn)
print(y.grad_fn.next_functions)
print(x.grad)
# --8<-- [end:graph]

# --8<-- [start:backward]
y.backward()
print(x.grad)  # dy/dx = 2x
# --8<-- [end:backward]

# --8<-- [start:parameters]
plain = torch.tensor([1.0, 2.0, 3.0])
print(plain.requires_grad, (plain ** 2).sum().grad_fn)

conv = nn.Conv2d(3, 32, 5, padding=2)
print(conv.weight.requires_grad)
# --8<-- [end:parameters]
