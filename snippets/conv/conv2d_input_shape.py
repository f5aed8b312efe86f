# expected-error: RuntimeError
# --8<-- [start:unbatched]
import torch
import torch.nn.functional as F

input = torch.tensor([[1, 2, 0, 3, 1],
                      [0, 1, 2, 3, 1],
                      [1, 2, 1, 0, 0],
                      [5, 2, 3, 1, 1],
                      [2, 1, 0, 1, 1]])
kernel = torch.ones(1, 1, 3, 3, dtype=torch.long)

print(F.conv2d(input.reshape(1, 5, 5), kernel).shape)
# --8<-- [end:unbatched]

# --8<-- [start:two-dims]
print(F.conv2d(input, kernel))
# --8<-- [end:two-dims]
