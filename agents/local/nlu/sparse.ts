// Sparse vectors and row-compressed matrices used by the feature extractor and the linear learners.

export interface SparseVector {
  readonly indices: Int32Array
  readonly values: Float32Array
}

/** Rows stored back to back (CSR); row i spans [rowStart[i], rowStart[i + 1]). */
export interface SparseMatrix {
  readonly rows: number
  readonly columns: number
  readonly rowStart: Int32Array
  readonly indices: Int32Array
  readonly values: Float32Array
}

export function stackRows(vectors: readonly SparseVector[], columns: number): SparseMatrix {
  let nnz = 0
  for (const v of vectors) nnz += v.indices.length
  const rowStart = new Int32Array(vectors.length + 1)
  const indices = new Int32Array(nnz)
  const values = new Float32Array(nnz)
  let at = 0
  vectors.forEach((v, i) => {
    rowStart[i] = at
    indices.set(v.indices, at)
    values.set(v.values, at)
    at += v.indices.length
  })
  rowStart[vectors.length] = at
  return { rows: vectors.length, columns, rowStart, indices, values }
}
