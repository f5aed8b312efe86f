class Person:

    def __call__(self, name):
        print("__call__ says hello to " + name)

    def hello(self, name):
        print("hello says hello to " + name)


person = Person()
person("zhangsan")
person.hello("lisi")
