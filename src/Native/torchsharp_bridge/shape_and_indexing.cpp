// Views and shape manipulation, joining and splitting, gather/scatter, masking, and Python-style
// indexing with TensorIndex lists (reads and writes).
#include <ATen/TensorIndexing.h>

#include "bridge.h"

using bridge::tensor;

namespace {
at::Tensor& mut(TensorHandle t) { return const_cast<at::Tensor&>(tensor(t)); }

// Index kinds as encoded by the managed TensorIndex.
enum IndexKind : int32_t { kNone = 0, kEllipsis = 1, kSingle = 2, kSlice = 3, kBool = 4, kTensor = 5 };

std::vector<at::indexing::TensorIndex> decode_indices(const int32_t* kinds, const int64_t* values, const int32_t* flags,
                                                      const TensorHandle* tensors, int32_t count) {
  using namespace at::indexing;
  std::vector<TensorIndex> indices;
  indices.reserve(count);
  for (int32_t i = 0; i < count; ++i) {
    const int64_t* v = values + 3 * i;
    switch (kinds[i]) {
      case kNone: indices.emplace_back(None); break;
      case kEllipsis: indices.emplace_back(Ellipsis); break;
      case kSingle: indices.emplace_back(v[0]); break;
      case kSlice:
        indices.emplace_back(Slice((flags[i] & 1) ? c10::optional<int64_t>(v[0]) : c10::nullopt,
                                   (flags[i] & 2) ? c10::optional<int64_t>(v[1]) : c10::nullopt,
                                   (flags[i] & 4) ? c10::optional<int64_t>(v[2]) : c10::nullopt));
        break;
      case kBool: indices.emplace_back(v[0] != 0); break;
      case kTensor: indices.emplace_back(tensor(tensors[i])); break;
      default: throw std::invalid_argument("unknown TensorIndex kind");
    }
  }
  return indices;
}
}  // namespace

// ---- views and reshaping ----------------------------------------------------------------------

NATIVE_API TensorHandle tsb_view(TensorHandle t, const int64_t* shape, int32_t n) {
  TSB_TENSOR(tensor(t).view(bridge::int_list(shape, n)));
}
NATIVE_API TensorHandle tsb_reshape(TensorHandle t, const int64_t* shape, int32_t n) {
  TSB_TENSOR(tensor(t).reshape(bridge::int_list(shape, n)));
}
NATIVE_API TensorHandle tsb_permute(TensorHandle t, const int64_t* dims, int32_t n) {
  TSB_TENSOR(tensor(t).permute(bridge::int_list(dims, n)));
}
NATIVE_API TensorHandle tsb_transpose(TensorHandle t, int64_t dim0, int64_t dim1) {
  TSB_TENSOR(tensor(t).transpose(dim0, dim1));
}
NATIVE_API TensorHandle tsb_t(TensorHandle t) { TSB_TENSOR(tensor(t).t()); }
NATIVE_API TensorHandle tsb_flatten(TensorHandle t, int64_t start_dim, int64_t end_dim) {
  TSB_TENSOR(tensor(t).flatten(start_dim, end_dim));
}
NATIVE_API TensorHandle tsb_unflatten(TensorHandle t, int64_t dim, const int64_t* sizes, int32_t n) {
  TSB_TENSOR(tensor(t).unflatten(dim, bridge::int_list(sizes, n)));
}
NATIVE_API TensorHandle tsb_unsqueeze(TensorHandle t, int64_t dim) { TSB_TENSOR(tensor(t).unsqueeze(dim)); }
NATIVE_API TensorHandle tsb_squeeze(TensorHandle t) { TSB_TENSOR(tensor(t).squeeze()); }
NATIVE_API TensorHandle tsb_squeeze_dim(TensorHandle t, int64_t dim) { TSB_TENSOR(tensor(t).squeeze(dim)); }
NATIVE_API TensorHandle tsb_expand(TensorHandle t, const int64_t* sizes, int32_t n, bool is_implicit) {
  TSB_TENSOR(tensor(t).expand(bridge::int_list(sizes, n), is_implicit));
}
NATIVE_API TensorHandle tsb_repeat(TensorHandle t, const int64_t* repeats, int32_t n) {
  TSB_TENSOR(tensor(t).repeat(bridge::int_list(repeats, n)));
}
NATIVE_API TensorHandle tsb_narrow(TensorHandle t, int64_t dim, int64_t start, int64_t length) {
  TSB_TENSOR(tensor(t).narrow(dim, start, length));
}
NATIVE_API TensorHandle tsb_select(TensorHandle t, int64_t dim, int64_t index) { TSB_TENSOR(tensor(t).select(dim, index)); }
NATIVE_API TensorHandle tsb_flip(TensorHandle t, const int64_t* dims, int32_t n) {
  TSB_TENSOR(tensor(t).flip(bridge::int_list(dims, n)));
}
NATIVE_API TensorHandle tsb_roll(TensorHandle t, const int64_t* shifts, int32_t ns, const int64_t* dims, int32_t nd) {
  TSB_TENSOR(tensor(t).roll(bridge::int_list(shifts, ns), bridge::int_list(dims, nd)));
}
NATIVE_API TensorHandle tsb_as_strided(TensorHandle t, const int64_t* sizes, int32_t n_sizes, const int64_t* strides,
                                       int32_t n_strides, int64_t storage_offset) {
  TSB_TENSOR(tensor(t).as_strided(bridge::int_list(sizes, n_sizes), bridge::int_list(strides, n_strides), storage_offset));
}
NATIVE_API TensorHandle tsb_tril(TensorHandle t, int64_t diagonal) { TSB_TENSOR(tensor(t).tril(diagonal)); }
NATIVE_API TensorHandle tsb_triu(TensorHandle t, int64_t diagonal) { TSB_TENSOR(tensor(t).triu(diagonal)); }

// ---- joining and splitting ---------------------------------------------------------------------

NATIVE_API TensorHandle tsb_cat(const TensorHandle* tensors, int32_t count, int64_t dim) {
  TSB_TENSOR(at::cat(bridge::tensor_list(tensors, count), dim));
}
NATIVE_API TensorHandle tsb_stack(const TensorHandle* tensors, int32_t count, int64_t dim) {
  TSB_TENSOR(at::stack(bridge::tensor_list(tensors, count), dim));
}
NATIVE_API TensorHandle tsb_hstack(const TensorHandle* tensors, int32_t count) {
  TSB_TENSOR(at::hstack(bridge::tensor_list(tensors, count)));
}
NATIVE_API TensorHandle tsb_vstack(const TensorHandle* tensors, int32_t count) {
  TSB_TENSOR(at::vstack(bridge::tensor_list(tensors, count)));
}
NATIVE_API TensorHandle* tsb_split_size(TensorHandle t, int64_t size, int64_t dim, int64_t* count) {
  TensorHandle* result = nullptr;
  native_guard::run([&] { result = bridge::new_handle_array(tensor(t).split(size, dim), count); });
  return result;
}
NATIVE_API TensorHandle* tsb_split_sizes(TensorHandle t, const int64_t* sizes, int32_t n, int64_t dim, int64_t* count) {
  TensorHandle* result = nullptr;
  native_guard::run([&] { result = bridge::new_handle_array(tensor(t).split_with_sizes(bridge::int_list(sizes, n), dim), count); });
  return result;
}
NATIVE_API TensorHandle* tsb_chunk(TensorHandle t, int64_t chunks, int64_t dim, int64_t* count) {
  TensorHandle* result = nullptr;
  native_guard::run([&] { result = bridge::new_handle_array(tensor(t).chunk(chunks, dim), count); });
  return result;
}
NATIVE_API TensorHandle* tsb_unbind(TensorHandle t, int64_t dim, int64_t* count) {
  TensorHandle* result = nullptr;
  native_guard::run([&] { result = bridge::new_handle_array(tensor(t).unbind(dim), count); });
  return result;
}
NATIVE_API TensorHandle* tsb_meshgrid(const TensorHandle* tensors, int32_t n, const char* indexing, int64_t* count) {
  TensorHandle* result = nullptr;
  native_guard::run([&] {
    result = bridge::new_handle_array(at::meshgrid(bridge::tensor_list(tensors, n), c10::string_view(indexing)), count);
  });
  return result;
}
NATIVE_API TensorHandle* tsb_where_nonzero(TensorHandle condition, int64_t* count) {
  TensorHandle* result = nullptr;
  native_guard::run([&] { result = bridge::new_handle_array(at::where(tensor(condition)), count); });
  return result;
}

// ---- gather, scatter, index_* -------------------------------------------------------------------

NATIVE_API TensorHandle tsb_index_select(TensorHandle t, int64_t dim, TensorHandle index) {
  TSB_TENSOR(tensor(t).index_select(dim, tensor(index)));
}
NATIVE_API TensorHandle tsb_gather(TensorHandle t, int64_t dim, TensorHandle index) {
  TSB_TENSOR(tensor(t).gather(dim, tensor(index)));
}
NATIVE_API TensorHandle tsb_scatter(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) {
  TSB_TENSOR(tensor(t).scatter(dim, tensor(index), tensor(src)));
}
NATIVE_API int tsb_scatter_(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) {
  TSB_STATUS(mut(t).scatter_(dim, tensor(index), tensor(src)));
}
NATIVE_API TensorHandle tsb_scatter_add(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) {
  TSB_TENSOR(tensor(t).scatter_add(dim, tensor(index), tensor(src)));
}
NATIVE_API int tsb_scatter_add_(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) {
  TSB_STATUS(mut(t).scatter_add_(dim, tensor(index), tensor(src)));
}
NATIVE_API TensorHandle tsb_index_add(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle source, ScalarArg alpha) {
  TSB_TENSOR(tensor(t).index_add(dim, tensor(index), tensor(source), bridge::scalar(alpha)));
}
NATIVE_API int tsb_index_add_(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle source, ScalarArg alpha) {
  TSB_STATUS(mut(t).index_add_(dim, tensor(index), tensor(source), bridge::scalar(alpha)));
}
NATIVE_API TensorHandle tsb_index_copy(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle source) {
  TSB_TENSOR(tensor(t).index_copy(dim, tensor(index), tensor(source)));
}
NATIVE_API int tsb_index_copy_(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle source) {
  TSB_STATUS(mut(t).index_copy_(dim, tensor(index), tensor(source)));
}
NATIVE_API TensorHandle tsb_index_fill(TensorHandle t, int64_t dim, TensorHandle index, ScalarArg value) {
  TSB_TENSOR(tensor(t).index_fill(dim, tensor(index), bridge::scalar(value)));
}
NATIVE_API int tsb_index_fill_(TensorHandle t, int64_t dim, TensorHandle index, ScalarArg value) {
  TSB_STATUS(mut(t).index_fill_(dim, tensor(index), bridge::scalar(value)));
}

// ---- masks ----------------------------------------------------------------------------------

NATIVE_API TensorHandle tsb_masked_fill(TensorHandle t, TensorHandle mask, ScalarArg value) {
  TSB_TENSOR(tensor(t).masked_fill(tensor(mask), bridge::scalar(value)));
}
NATIVE_API int tsb_masked_fill_(TensorHandle t, TensorHandle mask, ScalarArg value) {
  TSB_STATUS(mut(t).masked_fill_(tensor(mask), bridge::scalar(value)));
}
NATIVE_API TensorHandle tsb_masked_select(TensorHandle t, TensorHandle mask) {
  TSB_TENSOR(tensor(t).masked_select(tensor(mask)));
}
NATIVE_API TensorHandle tsb_masked_scatter(TensorHandle t, TensorHandle mask, TensorHandle source) {
  TSB_TENSOR(tensor(t).masked_scatter(tensor(mask), tensor(source)));
}
NATIVE_API int tsb_masked_scatter_(TensorHandle t, TensorHandle mask, TensorHandle source) {
  TSB_STATUS(mut(t).masked_scatter_(tensor(mask), tensor(source)));
}

// ---- Python-style indexing -------------------------------------------------------------------

NATIVE_API TensorHandle tsb_index(TensorHandle t, const int32_t* kinds, const int64_t* values, const int32_t* flags,
                                  const TensorHandle* tensors, int32_t count) {
  TSB_TENSOR(tensor(t).index(decode_indices(kinds, values, flags, tensors, count)));
}

NATIVE_API int tsb_index_put_(TensorHandle t, const int32_t* kinds, const int64_t* values, const int32_t* flags,
                              const TensorHandle* tensors, int32_t count, TensorHandle value, bool accumulate) {
  TSB_STATUS(({
    auto indices = decode_indices(kinds, values, flags, tensors, count);
    if (accumulate) {
      // accumulate is only defined for pure tensor (advanced) indexing, as in PyTorch.
      c10::List<c10::optional<at::Tensor>> list;
      for (const auto& index : indices) {
        TORCH_CHECK(index.is_tensor(), "index_put_ with accumulate=true accepts only tensor indices");
        list.push_back(index.tensor());
      }
      mut(t).index_put_(list, tensor(value), true);
    } else {
      mut(t).index_put_(indices, tensor(value));
    }
  }));
}

NATIVE_API int tsb_index_put_scalar_(TensorHandle t, const int32_t* kinds, const int64_t* values, const int32_t* flags,
                                     const TensorHandle* tensors, int32_t count, ScalarArg value) {
  TSB_STATUS(mut(t).index_put_(decode_indices(kinds, values, flags, tensors, count), bridge::scalar(value)));
}
