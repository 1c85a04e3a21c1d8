/**
 * Weights on disk, independent of the model: {@link org.llmworkbench.model.io.NamedTensor} and
 * {@link org.llmworkbench.model.io.StateDict} hold plain float32 data; {@link org.llmworkbench.model.io.Safetensors}
 * reads and writes the safetensors format with every header field checked against the real file;
 * {@link org.llmworkbench.model.io.HfGpt2Layout} maps Hugging Face GPT-2 checkpoints
 * ({@code config.json} + {@code model.safetensors}) to and from our state dict names; and
 * {@link org.llmworkbench.model.io.HfHub} downloads them into a checksummed cache.
 *
 * <pre>{@code
 * Gpt2Checkpoint ckpt = HfGpt2Layout.load(Path.of("gpt2"));                 // a local directory
 * Gpt2Checkpoint hub  = HfGpt2Layout.load("https://huggingface.co/openai-community/gpt2", HfHub.defaults());
 * HfGpt2Layout.save(Path.of("build/export"), ckpt);                          // loads in transformers
 * }</pre>
 */
package org.llmworkbench.model.io;
