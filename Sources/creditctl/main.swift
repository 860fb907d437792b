print("creditctl")
