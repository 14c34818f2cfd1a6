"""The national jury (product.md step 11): it reviews finalised sessions, may cancel or reject a
result, and publishes; publication gives each validated result its certificate's verification
code, which anyone can check."""
