/**
 * The GPT's building blocks one at a time, as the book's chapters 2 and 4 build them, before
 * {@link org.llmworkbench.model.GptModel} puts them together: embedding lookups, a linear layer,
 * layer normalization written out, GELU next to ReLU, the feed-forward network, the
 * shortcut-connection experiment and one transformer block.
 *
 * <p>Layers draw their initial values the way PyTorch's {@code nn.Embedding} and {@code nn.Linear}
 * do, from PyTorch's own generator ({@link org.llmworkbench.model.blocks.TorchRandom}), so after the
 * book's {@code torch.manual_seed(123)} they hold the book's numbers. The production model keeps its
 * own fused layers and GPT-2's N(0, 0.02) initialization.
 */
package org.llmworkbench.model.blocks;
