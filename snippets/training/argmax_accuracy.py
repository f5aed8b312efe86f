# --8<-- [start:argmax]
import torch

outputs = torch.tensor([[0.1, 0.2],
                        [0.05, 0.4]])
print(outputs.argmax(1))
print(outputs.argmax(0))
# --8<-- [end:argmax]

# --8<-- [start:count]
preds = outputs.argmax(1)
targets = torch.tensor([0, 1])
print(preds == targets)
print((preds == targets).sum())
# --8<-- [end:count]
