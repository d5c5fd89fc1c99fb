"""The local stack behind `make run`: embedded AWS (moto), the API, the consumer, the simulator."""
