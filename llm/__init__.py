"""The LLM room: one seam to a local language model (messages in; text or schema-validated JSON out), the
llama-cpp-python adapter, a scripted fake for tests, the GGUF that the settings name, and prompt templates."""
