"""A tiny module to try deepseek-lsp on: complete the body of fibonacci."""


def fibonacci(n: int) -> int:
    


print(fibonacci(10))
