#include <torch/extension.h>
#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <vector>

// S independent MLPs d-h1-h2-k (Linear-ReLU-Dropout x2, Linear). params/exp_avg/exp_avg_sq [S,P] float in torch
// parameter order, x [n,d] float, y [n] long, order [S,n] long, masks [S,n,h1+h2] float (0 or 1/(1-p)).
struct Net {
  int64_t d, h1, h2, k;
  const float *W1, *B1, *W2, *B2, *W3, *B3;
  Net(const float* p, int64_t d, int64_t h1, int64_t h2, int64_t k) : d(d), h1(h1), h2(h2), k(k) {
    W1 = p; B1 = W1 + h1 * d; W2 = B1 + h1; B2 = W2 + h2 * h1; W3 = B2 + h2; B3 = W3 + k * h2;
  }
  // Forward one sample; m1/m2 null in eval mode. Returns log-sum-exp of the logits z.
  float forward(const float* x, const float* m1, const float* m2, float* a1, float* a2, float* z) const {
    for (int64_t j = 0; j < h1; ++j) {
      float acc = 0.f;
      #pragma omp simd reduction(+:acc)
      for (int64_t q = 0; q < d; ++q) acc += W1[j * d + q] * x[q];
      acc += B1[j];
      a1[j] = acc > 0.f ? (m1 ? acc * m1[j] : acc) : 0.f;
    }
    for (int64_t j = 0; j < h2; ++j) {
      float acc = 0.f;
      #pragma omp simd reduction(+:acc)
      for (int64_t q = 0; q < h1; ++q) acc += W2[j * h1 + q] * a1[q];
      acc += B2[j];
      a2[j] = acc > 0.f ? (m2 ? acc * m2[j] : acc) : 0.f;
    }
    float top = -INFINITY;
    for (int64_t c = 0; c < k; ++c) {
      float acc = 0.f;
      for (int64_t q = 0; q < h2; ++q) acc += W3[c * h2 + q] * a2[q];
      z[c] = acc + B3[c];
      top = std::max(top, z[c]);
    }
    float sum = 0.f;
    for (int64_t c = 0; c < k; ++c) sum += std::exp(z[c] - top);
    return top + std::log(sum);
  }
};

static int64_t n_classes(int64_t P, int64_t d, int64_t h1, int64_t h2) {
  return (P - h1 * d - h1 - h2 * h1 - h2) / (h2 + 1);
}

// One epoch of minibatch Adam for every active run; returns each run's summed training loss.
torch::Tensor mlp_epoch(torch::Tensor params, torch::Tensor exp_avg, torch::Tensor exp_avg_sq, torch::Tensor x,
                        torch::Tensor y, torch::Tensor order, torch::Tensor masks, torch::Tensor lr,
                        torch::Tensor active, int64_t h1, int64_t h2, int64_t batch, int64_t step0,
                        int64_t warmup_steps, double beta1, double beta2, double eps, double weight_decay) {
  const int64_t S = params.size(0), P = params.size(1), n = order.size(1), d = x.size(1);
  const int64_t k = n_classes(P, d, h1, h2);
  TORCH_CHECK(params.is_contiguous() && x.is_contiguous() && masks.is_contiguous() && order.is_contiguous());
  float *p_all = params.data_ptr<float>(), *m_all = exp_avg.data_ptr<float>(), *v_all = exp_avg_sq.data_ptr<float>();
  const float *X = x.data_ptr<float>(), *MK = masks.data_ptr<float>();
  const int64_t *Y = y.data_ptr<int64_t>(), *ORD = order.data_ptr<int64_t>();
  const double *LR = lr.data_ptr<double>();
  const bool *ACT = active.data_ptr<bool>();
  auto loss_out = torch::zeros({S}, torch::kFloat64);
  double *LOSS = loss_out.data_ptr<double>();
  at::parallel_for(0, S, 1, [&](int64_t s0, int64_t s1) {
    std::vector<float> grad(P), a1(h1), a2(h2), z(k), g(k), d1(h1), d2(h2);
    for (int64_t s = s0; s < s1; ++s) {
      if (!ACT[s]) continue;
      float *p = p_all + s * P, *m = m_all + s * P, *v = v_all + s * P;
      const Net net(p, d, h1, h2, k);
      float *gW1 = grad.data(), *gB1 = gW1 + h1 * d, *gW2 = gB1 + h1, *gB2 = gW2 + h2 * h1, *gW3 = gB2 + h2,
            *gB3 = gW3 + k * h2;
      double loss = 0;
      int64_t t = step0;
      for (int64_t start = 0; start < n; start += batch, ++t) {
        const int64_t bs = std::min(batch, n - start);
        std::fill(grad.begin(), grad.end(), 0.f);
        for (int64_t r = start; r < start + bs; ++r) {
          const int64_t i = ORD[s * n + r], label = Y[i];
          const float *xr = X + i * d, *m1 = MK + (s * n + r) * (h1 + h2), *m2 = m1 + h1;
          const float lse = net.forward(xr, m1, m2, a1.data(), a2.data(), z.data());
          loss += lse - z[label];
          for (int64_t c = 0; c < k; ++c) g[c] = (std::exp(z[c] - lse) - (c == label ? 1.f : 0.f)) / bs;
          for (int64_t c = 0; c < k; ++c) {
            gB3[c] += g[c];
            for (int64_t q = 0; q < h2; ++q) gW3[c * h2 + q] += g[c] * a2[q];
          }
          for (int64_t j = 0; j < h2; ++j) {  // ReLU then dropout: the gradient passes where a2 > 0, times the mask
            float acc = 0.f;
            for (int64_t c = 0; c < k; ++c) acc += g[c] * net.W3[c * h2 + j];
            d2[j] = a2[j] > 0.f ? acc * m2[j] : 0.f;
          }
          std::fill(d1.begin(), d1.end(), 0.f);
          for (int64_t j = 0; j < h2; ++j) {
            const float dj = d2[j];
            if (dj == 0.f) continue;
            gB2[j] += dj;
            #pragma omp simd
            for (int64_t q = 0; q < h1; ++q) {
              gW2[j * h1 + q] += dj * a1[q];
              d1[q] += dj * net.W2[j * h1 + q];
            }
          }
          for (int64_t j = 0; j < h1; ++j) {
            const float dj = a1[j] > 0.f ? d1[j] * m1[j] : 0.f;
            if (dj == 0.f) continue;
            gB1[j] += dj;
            #pragma omp simd
            for (int64_t q = 0; q < d; ++q) gW1[j * d + q] += dj * xr[q];
          }
        }
        // torch.optim.Adam (single-tensor path): lerp, addcmul, sqrt/bc2 + eps, addcdiv by lr/bc1.
        const double warm = t >= warmup_steps ? 1.0 : double(t + 1) / warmup_steps;
        const float step_size = float(LR[s] * warm / (1.0 - std::pow(beta1, double(t + 1))));
        const float bc2_sqrt = float(std::sqrt(1.0 - std::pow(beta2, double(t + 1))));
        const float wd = float(weight_decay), b1c = float(1.0 - beta1), b2 = float(beta2), b2c = float(1.0 - beta2),
                    e = float(eps);
        #pragma omp simd
        for (int64_t q = 0; q < P; ++q) {
          const float gq = grad[q] + wd * p[q];
          m[q] += b1c * (gq - m[q]);
          v[q] = v[q] * b2 + b2c * gq * gq;
          p[q] -= step_size * (m[q] / (std::sqrt(v[q]) / bc2_sqrt + e));
        }
      }
      LOSS[s] = loss;
    }
  });
  return loss_out;
}

// Eval mode (no dropout): each run's summed cross-entropy and number of correct argmax predictions, [S, 2].
torch::Tensor mlp_eval(torch::Tensor params, torch::Tensor x, torch::Tensor y, int64_t h1, int64_t h2) {
  const int64_t S = params.size(0), P = params.size(1), n = x.size(0), d = x.size(1);
  const int64_t k = n_classes(P, d, h1, h2);
  TORCH_CHECK(params.is_contiguous() && x.is_contiguous());
  const float *p_all = params.data_ptr<float>(), *X = x.data_ptr<float>();
  const int64_t *Y = y.data_ptr<int64_t>();
  auto out = torch::zeros({S, 2}, torch::kFloat64);
  double *O = out.data_ptr<double>();
  at::parallel_for(0, S, 1, [&](int64_t s0, int64_t s1) {
    std::vector<float> a1(h1), a2(h2), z(k);
    for (int64_t s = s0; s < s1; ++s) {
      const Net net(p_all + s * P, d, h1, h2, k);
      double loss = 0, correct = 0;
      for (int64_t i = 0; i < n; ++i) {
        const float lse = net.forward(X + i * d, nullptr, nullptr, a1.data(), a2.data(), z.data());
        loss += lse - z[Y[i]];
        correct += std::max_element(z.begin(), z.end()) - z.begin() == Y[i];
      }
      O[2 * s] = loss;
      O[2 * s + 1] = correct;
    }
  });
  return out;
}
