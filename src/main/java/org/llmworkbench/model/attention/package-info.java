/**
 * Attention as the book builds it, one idea per class: {@link org.llmworkbench.model.attention.SimplifiedSelfAttention}
 * (dot-product similarity, no weights), {@link org.llmworkbench.model.attention.TrainableSelfAttention}
 * (query/key/value projections, scaled by √d_k), {@link org.llmworkbench.model.attention.CausalSelfAttention}
 * (no looking ahead, seeded dropout), {@link org.llmworkbench.model.attention.MultiHeadAttentionWrapper}
 * (heads side by side) and {@link org.llmworkbench.model.attention.MultiHeadAttention} (all heads in one
 * batched product). Every module keeps the attention weights of its last forward pass for heat maps.
 */
package org.llmworkbench.model.attention;
