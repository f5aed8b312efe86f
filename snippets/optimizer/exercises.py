# --8<-- [start:ex1]
import torch

w = torch.tensor([1.0], requires_grad=True)
optim = torch.optim.SGD([w], lr=0.1)

optim.zero_grad()
loss = (w ** 2).sum()
loss.backward()
print(w.grad)
optim.step()
print(w)
# --8<-- [end:ex1]


# --8<-- [start:ex2]
def two_steps(zero_grad):
    w = torch.tensor([1.0], requires_grad=True)
    optim = torch.optim.SGD([w], lr=0.1)
    for step in range(2):
        if zero_grad:
            optim.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        optim.step()
    return w.detach()


print(two_steps(zero_grad=True))
print(two_steps(zero_grad=False))
# --8<-- [end:ex2]

# --8<-- [start:ex3]
w = torch.tensor([1.0], requires_grad=True)
optim = torch.optim.SGD([w], lr=1.5)
for step in range(3):
    optim.zero_grad()
    loss = (w ** 2).sum()
    loss.backward()
    optim.step()
    print(step, w.item())
# --8<-- [end:ex3]
