# --8<-- [start:ex1]
import torch
import torch.nn.functional as F

image = torch.ones((1, 1, 7, 7))
kernel = torch.ones((1, 1, 3, 3))
output = F.conv2d(image, kernel, stride=2, padding=1)
print(output.shape)
# --8<-- [end:ex1]

# --8<-- [start:ex2]
input = torch.tensor([[1, 2, 0, 3, 1],
                      [0, 1, 2, 3, 1],
                      [1, 2, 1, 0, 0],
                      [5, 2, 3, 1, 1],
                      [2, 1, 0, 1, 1]])
kernel = torch.tensor([[1, 2, 1],
                       [0, 1, 0],
                       [2, 1, 0]])
input = torch.reshape(input, (1, 1, 5, 5))
kernel = torch.reshape(kernel, (1, 1, 3, 3))

print(F.conv2d(input, kernel, stride=3))
# --8<-- [end:ex2]

# --8<-- [start:ex3]
image = torch.ones((1, 1, 28, 28))
kernel = torch.ones((1, 1, 5, 5))
print(F.conv2d(image, kernel, padding=2).shape)
# --8<-- [end:ex3]
