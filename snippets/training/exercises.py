# --8<-- [start:ex1]
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

outputs = torch.tensor([[0.3, 0.5, 0.2],
                        [0.9, 0.05, 0.05],
                        [0.1, 0.1, 0.8]])
targets = torch.tensor([1, 2, 2])
predictions = outputs.argmax(1)
print(predictions)
right = (predictions == targets).sum()
print(right, right / len(targets))
# --8<-- [end:ex1]

# --8<-- [start:ex2]
train_data = TensorDataset(torch.zeros((50000, 1)))
loader = DataLoader(train_data, batch_size=128)
print(len(loader), len(train_data) - (len(loader) - 1) * 128)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
model = nn.Linear(4, 2)
imgs = torch.ones((1, 4))

print(model(imgs).requires_grad)
with torch.no_grad():
    print(model(imgs).requires_grad)
# --8<-- [end:ex3]
