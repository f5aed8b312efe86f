# --8<-- [start:tensors]
import torch
import torch.nn.functional as F

input = torch.tensor([[1, 2, 0, 3, 1],
                      [0, 1, 2, 3, 1],
                      [1, 2, 1, 0, 0],
                      [5, 2, 3, 1, 1],
                      [2, 1, 0, 1, 1]])

kernel = torch.tensor([[1, 2, 1],
                       [0, 1, 0],
                       [2, 1, 0]])

print(input.shape)
print(kernel.shape)
# --8<-- [end:tensors]

# --8<-- [start:reshape]
input = torch.reshape(input, (1, 1, 5, 5))
kernel = torch.reshape(kernel, (1, 1, 3, 3))

print(input.shape)
print(kernel.shape)
# --8<-- [end:reshape]

# --8<-- [start:stride]
output1 = F.conv2d(input, kernel, stride=1)
print(output1)
# --8<-- [end:stride]

# --8<-- [start:stride2]
output2 = F.conv2d(input, kernel, stride=2)
print(output2)
# --8<-- [end:stride2]

# --8<-- [start:padding]
output3 = F.conv2d(input, kernel, stride=1, padding=1)
print(output3)
# --8<-- [end:padding]
