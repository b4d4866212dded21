// Reductions, sorting and selection: sum/mean/prod, max/min with indices, arg*, any/all, cumsum,
// sort/argsort/topk, unique, nonzero.
#include "bridge.h"

using bridge::tensor;

NATIVE_API TensorHandle tsb_sum(TensorHandle t, int8_t dtype) {
  TSB_TENSOR(at::sum(tensor(t), bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_sum_dims(TensorHandle t, const int64_t* dims, int32_t ndims, bool keepdim, int8_t dtype) {
  TSB_TENSOR(at::sum(tensor(t), bridge::int_list(dims, ndims), keepdim, bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_mean(TensorHandle t, int8_t dtype) {
  TSB_TENSOR(at::mean(tensor(t), bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_mean_dims(TensorHandle t, const int64_t* dims, int32_t ndims, bool keepdim, int8_t dtype) {
  TSB_TENSOR(at::mean(tensor(t), bridge::int_list(dims, ndims), keepdim, bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_prod(TensorHandle t, int8_t dtype) {
  TSB_TENSOR(at::prod(tensor(t), bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_prod_dim(TensorHandle t, int64_t dim, bool keepdim, int8_t dtype) {
  TSB_TENSOR(at::prod(tensor(t), dim, keepdim, bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_cumsum(TensorHandle t, int64_t dim, int8_t dtype) {
  TSB_TENSOR(at::cumsum(tensor(t), dim, bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_var(TensorHandle t, const int64_t* dims, int32_t ndims, bool unbiased, bool keepdim) {
  TSB_TENSOR(ndims < 0 ? at::var(tensor(t), unbiased) : at::var(tensor(t), bridge::int_list(dims, ndims), unbiased, keepdim));
}
NATIVE_API TensorHandle tsb_std(TensorHandle t, const int64_t* dims, int32_t ndims, bool unbiased, bool keepdim) {
  TSB_TENSOR(ndims < 0 ? at::std(tensor(t), unbiased) : at::std(tensor(t), bridge::int_list(dims, ndims), unbiased, keepdim));
}
NATIVE_API TensorHandle tsb_logsumexp(TensorHandle t, const int64_t* dims, int32_t ndims, bool keepdim) {
  TSB_TENSOR(at::logsumexp(tensor(t), bridge::int_list(dims, ndims), keepdim));
}

NATIVE_API TensorHandle tsb_max(TensorHandle t) { TSB_TENSOR(at::max(tensor(t))); }
NATIVE_API TensorHandle tsb_min(TensorHandle t) { TSB_TENSOR(at::min(tensor(t))); }
NATIVE_API int tsb_max_dim(TensorHandle t, int64_t dim, bool keepdim, TensorHandle* out) {
  TSB_STATUS(auto r = at::max(tensor(t), dim, keepdim); bridge::write_results(out, {std::get<0>(r), std::get<1>(r)}));
}
NATIVE_API int tsb_min_dim(TensorHandle t, int64_t dim, bool keepdim, TensorHandle* out) {
  TSB_STATUS(auto r = at::min(tensor(t), dim, keepdim); bridge::write_results(out, {std::get<0>(r), std::get<1>(r)}));
}
NATIVE_API TensorHandle tsb_amax(TensorHandle t, const int64_t* dims, int32_t ndims, bool keepdim) {
  TSB_TENSOR(at::amax(tensor(t), bridge::int_list(dims, ndims), keepdim));
}
NATIVE_API TensorHandle tsb_amin(TensorHandle t, const int64_t* dims, int32_t ndims, bool keepdim) {
  TSB_TENSOR(at::amin(tensor(t), bridge::int_list(dims, ndims), keepdim));
}
NATIVE_API TensorHandle tsb_argmax(TensorHandle t, bool has_dim, int64_t dim, bool keepdim) {
  TSB_TENSOR(at::argmax(tensor(t), has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim));
}
NATIVE_API TensorHandle tsb_argmin(TensorHandle t, bool has_dim, int64_t dim, bool keepdim) {
  TSB_TENSOR(at::argmin(tensor(t), has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim));
}
NATIVE_API TensorHandle tsb_any(TensorHandle t) { TSB_TENSOR(at::any(tensor(t))); }
NATIVE_API TensorHandle tsb_any_dim(TensorHandle t, int64_t dim, bool keepdim) { TSB_TENSOR(at::any(tensor(t), dim, keepdim)); }
NATIVE_API TensorHandle tsb_all(TensorHandle t) { TSB_TENSOR(at::all(tensor(t))); }
NATIVE_API TensorHandle tsb_all_dim(TensorHandle t, int64_t dim, bool keepdim) { TSB_TENSOR(at::all(tensor(t), dim, keepdim)); }
NATIVE_API TensorHandle tsb_count_nonzero(TensorHandle t) { TSB_TENSOR(at::count_nonzero(tensor(t))); }
NATIVE_API TensorHandle tsb_norm(TensorHandle t, double p) { TSB_TENSOR(at::norm(tensor(t), p)); }

NATIVE_API int tsb_sort(TensorHandle t, int64_t dim, bool descending, bool stable, TensorHandle* out) {
  TSB_STATUS(auto r = at::sort(tensor(t), stable, dim, descending);
             bridge::write_results(out, {std::get<0>(r), std::get<1>(r)}));
}
NATIVE_API TensorHandle tsb_argsort(TensorHandle t, int64_t dim, bool descending, bool stable) {
  TSB_TENSOR(std::get<1>(at::sort(tensor(t), stable, dim, descending)));
}
NATIVE_API int tsb_topk(TensorHandle t, int64_t k, int64_t dim, bool largest, bool sorted, TensorHandle* out) {
  TSB_STATUS(auto r = at::topk(tensor(t), k, dim, largest, sorted);
             bridge::write_results(out, {std::get<0>(r), std::get<1>(r)}));
}
NATIVE_API int tsb_kthvalue(TensorHandle t, int64_t k, int64_t dim, bool keepdim, TensorHandle* out) {
  TSB_STATUS(auto r = at::kthvalue(tensor(t), k, dim, keepdim);
             bridge::write_results(out, {std::get<0>(r), std::get<1>(r)}));
}

// out receives (output, inverse or null, counts or null).
NATIVE_API int tsb_unique(TensorHandle t, bool sorted, bool return_inverse, bool return_counts, bool has_dim,
                          int64_t dim, TensorHandle* out) {
  TSB_STATUS(({
    auto r = has_dim ? at::unique_dim(tensor(t), dim, sorted, return_inverse, return_counts)
                     : at::_unique2(tensor(t), sorted, return_inverse, return_counts);
    out[0] = new at::Tensor(std::get<0>(r));
    out[1] = return_inverse ? new at::Tensor(std::get<1>(r)) : nullptr;
    out[2] = return_counts ? new at::Tensor(std::get<2>(r)) : nullptr;
  }));
}

NATIVE_API TensorHandle tsb_nonzero(TensorHandle t) { TSB_TENSOR(at::nonzero(tensor(t))); }
