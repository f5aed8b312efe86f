# --8<-- [start:ex1]
import torch
import torchvision
from PIL import Image

output = torch.tensor([[1.0, 2.0, 3.0]])
print(output.argmax(1))
print(torch.softmax(output, dim=1))
# --8<-- [end:ex1]

# --8<-- [start:ex2]
to_tensor = torchvision.transforms.ToTensor()
screenshot = Image.new("RGBA", (32, 32))
print(to_tensor(screenshot).shape)
print(to_tensor(screenshot.convert("RGB")).shape)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
wide = Image.new("RGB", (100, 50))
wrong = torchvision.transforms.Compose([torchvision.transforms.Resize(32),
                                        torchvision.transforms.ToTensor()])
right = torchvision.transforms.Compose([torchvision.transforms.Resize((32, 32)),
                                        torchvision.transforms.ToTensor()])
print(wrong(wide).shape)
print(right(wide).shape)
# --8<-- [end:ex3]
